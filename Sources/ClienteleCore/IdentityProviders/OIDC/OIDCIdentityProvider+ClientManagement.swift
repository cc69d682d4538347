import Foundation

/// Finding out which RFC 7591/7592 operations a provider supports, by trying each on a throwaway client of its
/// own: RFC 7592 has no metadata that says so, and many providers implement read but not update. An existing
/// client is never used for this, so no real secret can change.
extension OIDCIdentityProvider {
    static let probeClientName = "clientele capability probe (safe to delete)"

    public func probeClientManagement() async throws -> ClientManagementSupport? {
        let now = clock.now
        let registration = try await postRegistration(displayName: Self.probeClientName,
                                                      purpose: "registering a throwaway client to probe RFC 7592")
        guard [200, 201].contains(registration.status),
            let information = try? JSONDecoder().decode(OIDCClientInformation.self, from: registration.body)
        else {
            let why = "registration was refused: \(OIDCErrorBody.summary(registration))"
            return ClientManagementSupport(
                register: .init(supported: false, detail: "\(why) (client-request-id \(registration.requestId))"),
                read: .untried(why), update: .untried(why), delete: .untried(why), checkedAt: now)
        }
        guard let uri = information.registrationClientURI, let token = information.registrationAccessToken else {
            let why = "registration returned no registration access token (RFC 7592 is not enabled)"
            return ClientManagementSupport(
                register: .init(supported: true, detail: "HTTP \(registration.status)"),
                read: .init(supported: false, detail: why), update: .init(supported: false, detail: why),
                delete: .init(supported: false, detail: "\(why); delete throwaway client \(information.clientId) in the IdP's console"),
                checkedAt: now)
        }
        let credential = RegistrationCredential(
            idp: idp.name, clientId: information.clientId, registrationClientURI: uri,
            registrationAccessToken: SecretText(token))
        let register = ClientManagementSupport.Finding(supported: true, detail: "HTTP \(registration.status)")

        let readResponse = try await getConfiguration(credential)
        let read = ClientManagementSupport.Finding(
            supported: readResponse.status == 200, detail: OIDCErrorBody.summary(readResponse))
        let metadata = readResponse.status == 200
            ? (try? JSONSerialization.jsonObject(with: readResponse.body)) as? [String: Any]
            : (try? JSONSerialization.jsonObject(with: registration.body)) as? [String: Any]
        let configuration = ClientConfiguration(information: information, metadata: metadata ?? [:],
                                                requestId: readResponse.requestId)
        var headers = Self.bearer(credential.registrationAccessToken)
        headers.add(name: "Content-Type", value: "application/json")
        let updateResponse = try await http.send(
            PeerRequest(method: .PUT, url: uri, headers: headers,
                                    body: try updateBody(configuration, credential: credential),
                                    purpose: "updating the throwaway probe client (RFC 7592 §2.2)",
                                    maxResponseBytes: 1024 * 1024))
        let update = ClientManagementSupport.Finding(
            supported: updateResponse.status == 200, detail: OIDCErrorBody.summary(updateResponse))

        let deleteResponse = try await http.send(
            PeerRequest(method: .DELETE, url: uri, headers: Self.bearer(credential.registrationAccessToken),
                                    purpose: "deleting the throwaway probe client (RFC 7592 §2.3)"))
        let deleted = [200, 204].contains(deleteResponse.status)
        let delete = ClientManagementSupport.Finding(
            supported: deleted,
            detail: OIDCErrorBody.summary(deleteResponse)
                + (deleted ? "" : "; throwaway client \(information.clientId) is left at the IdP: delete it in its console"))
        return ClientManagementSupport(register: register, read: read, update: update, delete: delete, checkedAt: now)
    }

    /// Rotation is an RFC 7592 update: refused up front where the recorded (or, failing that, a fresh) probe
    /// says the provider takes none, so the client keeps its working secret and no rotation is left open.
    public func ensureCanIssueSecrets(for reference: RemoteClientReference) async throws {
        if updateRefused.withLock({ $0 }) { throw cannotUpdate(reference.clientId) }
        var support = idp.settings.clientManagement ?? probed.withLock({ $0 })
        if support == nil {
            support = try await probeClientManagement()
            probed.withLock { $0 = support }
        }
        switch support?.update.supported {
        case true?:
            return
        case false?:
            throw cannotUpdate(reference.clientId, answer: support?.update.detail)
        case nil:
            throw failure(
                "Clientele cannot tell whether this provider can update clients (RFC 7592): \(support?.update.detail ?? "no probe"); nothing was changed. Fix that, then `clientele idp check \(idp.name)`",
                client: reference.clientId)
        }
    }

    func cannotUpdate(_ clientId: String, answer: String? = nil, requestId: String? = nil) -> ClienteleError {
        failure(
            "this provider cannot update clients (RFC 7592): rotate the secret in its own console, then `clientele sync`"
                + (answer.map { " (an update was answered \($0))" } ?? "") + "; its current secret is unchanged",
            client: clientId, requestId: requestId)
    }
}
