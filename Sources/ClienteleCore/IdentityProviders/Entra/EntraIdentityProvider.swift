import Foundation

/// Microsoft Entra ID over Microsoft Graph v1.0 (facts: shared/contracts/microsoft-graph/). Clients are app
/// registrations (`application` objects); their secrets are `passwordCredentials`, added with addPassword and
/// removed with removePassword. Clientele signs in as its own app by client credentials, with a secret or,
/// better, a certificate, and needs `Application.ReadWrite.OwnedBy` (or `.All`) on Graph.
public final class EntraIdentityProvider: IdentityProviderAdapter {
    /// The portal's 24-month cap on a secret's lifetime (contract README); Graph itself enforces only what a
    /// tenant's app management policy sets, so the adapter caps every request here.
    public static let maxLifetime: TimeInterval = 730 * 86_400
    /// `$top`'s largest value for applications (contract README): the fewest round trips for a large tenant.
    static let pageSize = 999
    /// A stop for a server that keeps handing out next links: 10,000 pages of 999 is far beyond any tenant.
    static let maxPages = 10_000
    /// Entra answers AADSTS7000215 for a secret added moments ago until it has replicated, usually within
    /// seconds and rarely after more than a minute or two.
    public static let defaultSecretPropagation: TimeInterval = 120

    let idp: IdentityProvider
    let credential: AdminCredential
    let http: PeerHTTPClient
    let clock: ClienteleClock
    let secretPropagation: TimeInterval
    let setup: Result<Setup, ClienteleError>

    struct Setup: Sendable {
        let endpoints: EntraEndpoints
        let graph: GraphConnection
        let tokenEndpoint: EntraTokenEndpoint
    }

    public init(idp: IdentityProvider, credential: AdminCredential, http: PeerHTTPClient, clock: ClienteleClock,
                secretPropagation: TimeInterval = EntraIdentityProvider.defaultSecretPropagation)
    {
        self.idp = idp
        self.credential = credential
        self.http = http
        self.clock = clock
        self.secretPropagation = secretPropagation
        // Settings are checked here but reported on first use, so making an adapter never fails.
        setup = Result {
            let endpoints = try EntraEndpoints.resolve(idp)
            let tokens = EntraAdminTokens(idpName: idp.name, endpoints: endpoints, credential: credential, http: http)
            return Setup(endpoints: endpoints, graph: GraphConnection(tokens: tokens, http: http),
                         tokenEndpoint: EntraTokenEndpoint(endpoints: endpoints, http: http))
        }.mapError { $0 as? ClienteleError ?? .identityProvider("IdP \(idp.name): \($0)") }
    }

    public var capabilities: IdentityProviderCapabilities {
        // maxActiveSecrets is nil: Graph's limit depends on the app (2 for apps that allow personal accounts,
        // otherwise about 1,000 items across its collections; contract README), and Graph's 400 says so.
        IdentityProviderCapabilities(
            allowsOverlap: true, maxSecretLifetime: Self.maxLifetime, maxActiveSecrets: nil, choosesExpiry: true,
            newSecretPropagation: secretPropagation)
    }

    // MARK: - Reading

    public func discoverClients() async throws -> [RemoteClient] {
        let collected = Collected()
        try await discoverClients { page in await collected.append(page) }
        return await collected.clients
    }

    /// The pages as Graph sends them, each handed over once decoded; the next page's request is already on the
    /// wire while this one is decoded and received.
    public func discoverClients(pageByPage receive: @Sendable ([RemoteClient]) async throws -> Void) async throws {
        let setup = try setup.get()
        var url = "\(setup.endpoints.graph)/applications?\(EntraEndpoints.selectQuery)&$top=\(Self.pageSize)"
        // The next page's request, sent while this page is decoded, and the link it asked for.
        var ahead: (url: String, response: Task<PeerResponse, Error>)?
        defer { ahead?.response.cancel() }
        func pagePurpose(_ page: Int) -> String { page == 1 ? "listing applications" : "listing applications (page \(page))" }
        for page in 1...Self.maxPages {
            let purpose = pagePurpose(page)
            let response: PeerResponse
            if let sent = ahead, sent.url == url {
                response = try await sent.response.value
            } else {
                ahead?.response.cancel()
                response = try await setup.graph.send(.GET, url, purpose: purpose)
            }
            ahead = nil
            guard response.status == 200 else {
                throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: nil)
            }
            // The guess is held to the rule the decoded link is held to (`follows`), before any token goes with it.
            if let guess = GraphNextLink.peek(response.body), Self.follows(guess, after: url, setup: setup) {
                let graph = setup.graph
                let nextPurpose = pagePurpose(page + 1)
                ahead = (guess, Task { try await graph.send(.GET, guess, purpose: nextPurpose) })
            }
            let decoded = try response.decode(GraphApplicationPage.self, purpose: purpose)
            var clients: [RemoteClient] = []
            clients.reserveCapacity(decoded.value.count)
            for application in decoded.value {
                clients.append(try remoteClient(application, response: response, purpose: purpose))
            }
            let next = try nextPage(decoded.nextLink, after: url, setup: setup, response: response, purpose: purpose)
            try await receive(clients)
            guard let next else { return }
            url = next
        }
        throw tooManyPages("listing applications")
    }

    /// The pages of a listing gathered into one list, for callers that want the whole of it.
    private actor Collected {
        var clients: [RemoteClient] = []
        func append(_ page: [RemoteClient]) { clients.append(contentsOf: page) }
    }

    /// The page after `url`, or nil at the end. The link is absolute (contract README) and the bearer token goes
    /// with it: it is followed only to the Graph this IdP is configured with, and never in a circle.
    func nextPage(_ link: String?, after url: String, setup: Setup, response: PeerResponse, purpose: String) throws
        -> String?
    {
        guard let link else { return nil }
        guard Self.follows(link, after: url, setup: setup) else {
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): \(purpose): Graph's @odata.nextLink points \(link == url ? "back at the same page" : "outside \(setup.endpoints.graph)"); stopped (client-request-id \(response.requestId))")
        }
        return link
    }

    static func follows(_ link: String, after url: String, setup: Setup) -> Bool {
        setup.endpoints.isSameOrigin(link) && link != url
    }

    /// A listing that never ends: stopped after `maxPages`.
    func tooManyPages(_ what: String) -> ClienteleError {
        ClienteleError.identityProvider("IdP \(idp.name): \(what): more than \(Self.maxPages) pages; stopped")
    }

    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        let setup = try setup.get()
        let purpose = "reading client \(reference.clientId)"
        let response = try await setup.graph.send(
            .GET, "\(setup.endpoints.application(reference))?\(EntraEndpoints.selectQuery)", purpose: purpose)
        switch response.status {
        case 200:
            let application = try response.decode(GraphApplication.self, purpose: purpose)
            return try remoteClient(application, response: response, purpose: purpose)
        case 404:
            return nil
        default:
            throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: reference.clientId)
        }
    }

    // MARK: - Writing

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        let setup = try setup.get()
        let purpose = "registering client '\(displayName)'"
        let response = try await setup.graph.send(
            .POST, "\(setup.endpoints.graph)/applications", json: GraphCreateApplicationRequest(displayName: displayName),
            purpose: purpose)
        guard response.status == 201 || response.status == 200 else {
            throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: nil)
        }
        let created = try response.decode(GraphApplication.self, purpose: purpose)
        guard let objectId = created.id, let appId = created.appId else {
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): \(purpose): HTTP \(response.status) without the new application's id and appId (client-request-id \(response.requestId))")
        }
        let reference = RemoteClientReference(clientId: appId, objectId: objectId)
        let now = clock.now
        let secret: NewSecret
        do {
            secret = try await addSecret(
                to: reference, displayName: "initial",
                expiresAt: now + min(secretLifetime ?? Self.maxLifetime, Self.maxLifetime))
        } catch {
            // An application without a secret nobody knows is litter in the tenant: take it back out.
            let cleanup: String
            do {
                try await deleteClient(reference)
                cleanup = "the new application \(appId) was removed again"
            } catch {
                cleanup = "the new application \(appId) could not be removed; delete it in Entra"
            }
            throw ClienteleError.identityProvider("\(String(describing: error)) (\(cleanup))")
        }
        let client = RemoteClient(
            clientId: appId, objectId: objectId, displayName: created.displayName ?? displayName,
            secrets: [secret.metadata])
        return (client, secret)
    }

    public func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret
    {
        let setup = try setup.get()
        let purpose = "adding a secret to client \(reference.clientId)"
        let now = clock.now
        let end = min(expiresAt ?? now + Self.maxLifetime, now + Self.maxLifetime)
        guard end > now else {
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): \(purpose): the requested end date \(Timestamp.iso8601(end)) is already past")
        }
        let response = try await setup.graph.send(
            .POST, "\(setup.endpoints.application(reference))/addPassword",
            json: GraphAddPasswordRequest(passwordCredential: .request(displayName: displayName, endDateTime: end)),
            purpose: purpose)
        guard response.status == 200 || response.status == 201 else {
            throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: reference.clientId)
        }
        let added = try response.decode(GraphPasswordCredential.self, purpose: purpose)
        guard let keyId = added.keyId, let text = added.secretText, !text.isEmpty else {
            // A key whose text never reached us can never be used: withdraw it rather than leave it behind.
            var note = ""
            if let keyId = added.keyId {
                do {
                    try await removeSecret(keyId, from: reference)
                    note = "; the key \(keyId) it created was removed again"
                } catch {
                    note = "; the key \(keyId) it created could not be removed: remove it in Entra"
                }
            }
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): \(purpose): HTTP \(response.status) without \(added.keyId == nil ? "the keyId" : "the secret text")\(note) (client-request-id \(response.requestId))")
        }
        let secret = SecretText(text)
        let metadata = RemoteSecret(
            keyId: keyId, hint: added.hint ?? secret.hint, displayName: added.displayName ?? displayName,
            createdAt: added.startDateTime.flatMap(GraphDate.parse) ?? now,
            expiresAt: added.endDateTime.flatMap(GraphDate.parse) ?? end)
        return NewSecret(metadata: metadata, text: secret)
    }

    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        let setup = try setup.get()
        let purpose = "removing secret \(keyId) from client \(reference.clientId)"
        let response = try await setup.graph.send(
            .POST, "\(setup.endpoints.application(reference))/removePassword",
            json: GraphRemovePasswordRequest(keyId: keyId), purpose: purpose)
        switch response.status {
        case 200, 204:
            return
        case 404:
            // The application is gone, and its secrets with it: removed is what the caller wanted.
            return
        case 400:
            // Graph's answer for a key the app does not hold is not in the contract (the test server says 400
            // Request_BadRequest). Rather than trust a message, look: if the key is not there, it is removed.
            if let current = try await client(reference), current.secrets.contains(where: { $0.keyId.lowercased() == keyId.lowercased() }) {
                throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: reference.clientId)
            }
            return
        default:
            throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: reference.clientId)
        }
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        let setup = try setup.get()
        let purpose = "deleting client \(reference.clientId)"
        let response = try await setup.graph.send(.DELETE, setup.endpoints.application(reference), purpose: purpose)
        switch response.status {
        case 200, 204, 404:
            // 404: already deleted, which is the state asked for (like removeSecret's already-gone key).
            return
        default:
            throw EntraErrorLine.graph(response, idp: idp.name, purpose: purpose, client: reference.clientId)
        }
    }

    // MARK: - Checking

    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let setup = try setup.get()
        let purpose = "verifying a secret of client \(reference.clientId)"
        let response: PeerResponse
        do {
            response = try await setup.tokenEndpoint.request(
                clientId: reference.clientId, proof: .secret(secret), purpose: purpose)
        } catch let error as ClienteleError {
            // Unreachable, timed out, throttled to the end: no evidence about the secret either way.
            return .couldNotVerify(error.description)
        }
        let prefix = "IdP \(idp.name): client \(reference.clientId)"
        let suffix = "(client-request-id \(response.requestId))"
        if response.status == 200 { return .accepted }
        let body = EntraTokenErrorBody.parse(response.body)
        if response.status == 400 || response.status == 401, let body {
            switch body.aadsts {
            case 7000215:
                return .rejected("\(prefix): Entra does not accept the secret (AADSTS7000215) \(suffix)")
            case 7000222:
                return .rejected("\(prefix): the secret has expired (AADSTS7000222) \(suffix)")
            default:
                if body.error == "invalid_client" {
                    let code = body.aadsts.map { "AADSTS\($0): " } ?? ""
                    return .rejected("\(prefix): Entra refused the secret (\(code)\(EntraErrorLine.oneLine(body.summary))) \(suffix)")
                }
            }
        }
        let what = body.map { "\($0.error ?? "") \($0.aadsts.map { "AADSTS\($0)" } ?? ""): \(EntraErrorLine.oneLine($0.summary))" }
            ?? EntraErrorLine.bodyKind(response.body)
        return .couldNotVerify("\(prefix): the token endpoint answered HTTP \(response.status) (\(what)) \(suffix)")
    }

    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let setup = try setup.get()
        let certificateExpiry: Date?
        if case .certificate(let pem, _) = credential {
            certificateExpiry = try? AdminCertificate(pem: pem).notAfter
        } else {
            certificateExpiry = nil
        }
        let appId = setup.endpoints.adminClientId
        do {
            _ = try await setup.graph.tokens.current()
        } catch let error as ClienteleError {
            // No token (a refused or expired credential, an unreachable authority): Clientele cannot act.
            return AdminAccessStatus(canAct: false, credentialExpiresAt: certificateExpiry, detail: error.description)
        }
        let ownApp: RemoteClient?
        do {
            ownApp = try await client(RemoteClientReference(clientId: appId))
        } catch let error as ClienteleError {
            // The token works, so Clientele can act; it just cannot read its own app (not an owner of itself).
            return AdminAccessStatus(
                canAct: true, credentialExpiresAt: certificateExpiry,
                detail: "IdP \(idp.name): signed in as app \(appId), but cannot read that app to learn when its credential expires: \(error.description)")
        }
        if let certificateExpiry {
            return AdminAccessStatus(
                canAct: true, credentialExpiresAt: certificateExpiry,
                detail: "IdP \(idp.name): signed in as app \(appId) with a certificate that expires \(Timestamp.iso8601(certificateExpiry))")
        }
        guard let ownApp else {
            return AdminAccessStatus(
                canAct: true, credentialExpiresAt: nil,
                detail: "IdP \(idp.name): signed in as app \(appId), but Graph does not show that app to it")
        }
        // Which of the app's secrets is the one in use cannot be known from Graph; the soonest to expire among
        // those still valid is the date by which Clientele's credential must be rotated at the latest.
        let now = clock.now
        let soonest = ownApp.secrets.compactMap(\.expiresAt).filter { $0 > now }.min()
        let detail = soonest.map {
            "IdP \(idp.name): signed in as app \(appId) (\(ownApp.displayName)); its soonest-expiring secret ends \(Timestamp.iso8601($0))"
        } ?? "IdP \(idp.name): signed in as app \(appId) (\(ownApp.displayName)); none of its secrets shows an end date"
        return AdminAccessStatus(canAct: true, credentialExpiresAt: soonest, detail: detail)
    }

    // MARK: - Mapping

    private func remoteClient(_ application: GraphApplication, response: PeerResponse, purpose: String)
        throws -> RemoteClient
    {
        func missing(_ what: String) -> ClienteleError {
            .identityProvider(
                "IdP \(idp.name): \(purpose): HTTP \(response.status) with \(what) (client-request-id \(response.requestId))")
        }
        guard let appId = application.appId, let objectId = application.id else {
            throw missing("an application without its id or appId")
        }
        let secrets = try (application.passwordCredentials ?? []).map { credential in
            guard let keyId = credential.keyId, let start = credential.startDateTime.flatMap(GraphDate.parse) else {
                throw missing("a secret of application \(appId) without its keyId or startDateTime")
            }
            return RemoteSecret(
                keyId: keyId, hint: credential.hint ?? "", displayName: credential.displayName ?? "",
                createdAt: start, expiresAt: credential.endDateTime.flatMap(GraphDate.parse))
        }
        return RemoteClient(
            clientId: appId, objectId: objectId, displayName: application.displayName ?? appId, secrets: secrets)
    }
}
