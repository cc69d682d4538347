import Foundation

/// Reading a client's configuration (RFC 7592 §2.1): `GET registration_client_uri` with its registration access
/// token. The raw JSON is kept too, because an update must send every field back (RFC 7592 §2.2).
extension OIDCIdentityProvider {
    struct ClientConfiguration {
        let information: OIDCClientInformation
        /// Every field the IdP reported, for the update's full metadata.
        let metadata: [String: Any]
        let requestId: String
    }

    /// nil when the IdP says the client is gone (404/410); 401 is an error, since it may just as well be a bad token.
    func readConfiguration(_ credential: RegistrationCredential) async throws -> ClientConfiguration? {
        try interpretRead(try await getConfiguration(credential), credential: credential)
    }

    func getConfiguration(_ credential: RegistrationCredential) async throws -> PeerResponse {
        try await http.send(
            PeerRequest(method: .GET, url: credential.registrationClientURI,
                                    headers: Self.bearer(credential.registrationAccessToken),
                                    purpose: readPurpose(credential.clientId), maxResponseBytes: 1024 * 1024))
    }

    func interpretRead(_ response: PeerResponse, credential: RegistrationCredential) throws
        -> ClientConfiguration?
    {
        switch response.status {
        case 200:
            let information = try response.decode(
                OIDCClientInformation.self, purpose: readPurpose(credential.clientId))
            guard information.clientId == credential.clientId else {
                throw failure("its registration client URI answered for client \(information.clientId)",
                              client: credential.clientId, requestId: response.requestId)
            }
            let metadata = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
            return ClientConfiguration(information: information, metadata: metadata, requestId: response.requestId)
        case 404, 410:
            return nil
        case 401:
            throw refusedToken(credential.clientId, response)
        default:
            throw failure("reading it was refused: \(OIDCErrorBody.summary(response))", client: credential.clientId,
                          requestId: response.requestId)
        }
    }

    private func readPurpose(_ clientId: String) -> String { "reading client \(clientId) (RFC 7592 §2.1)" }
}
