import Foundation
import Logging
import NIOHTTP1
import Synchronization

/// A generic OpenID Connect provider, managed through the standards only: discovery (OIDC Discovery 1.0,
/// RFC 8414), dynamic client registration (RFC 7591) and client management (RFC 7592). Built against glewlwyd;
/// nothing in it is glewlwyd-specific beyond tolerating its deviations (200 for 201/204, a list-valued
/// `token_endpoint_auth_method` on reads).
///
/// RFC 7592 has no way to list clients, and each client is opened by its own registration access token, so the
/// clients this adapter sees are exactly those in its `RegistrationCredentialStore` (registered or adopted).
public final class OIDCIdentityProvider: IdentityProviderAdapter {
    public let idp: IdentityProvider
    public let store: RegistrationCredentialStore
    let http: PeerHTTPClient
    let clock: ClienteleClock
    /// RFC 7591 §3: some providers register only for a bearer of this token.
    let initialAccessToken: SecretText?
    /// Discovery is fetched once per adapter, and StandardAdapters keeps one adapter per IdP for the process.
    private let discovered = Mutex<OIDCDiscoveryDocument?>(nil)
    /// Set when this process saw the provider refuse an update: the next rotation is refused without asking.
    let updateRefused = Mutex<Bool>(false)
    /// The probe's answer when `ensureCanIssueSecrets` had to run one (no `idp check` recorded yet).
    let probed = Mutex<ClientManagementSupport?>(nil)

    /// How many RFC 7592 reads `discoverClients` keeps in flight.
    static let parallelReads = 8

    public init(idp: IdentityProvider, store: RegistrationCredentialStore, http: PeerHTTPClient,
                clock: ClienteleClock, initialAccessToken: SecretText? = nil)
    {
        self.idp = idp
        self.store = store
        self.http = http
        self.clock = clock
        self.initialAccessToken = initialAccessToken
    }

    /// One secret per client, replaced at once by an update (RFC 7592 §2.2); RFC 7591 has no way to ask for an
    /// expiry date, and the providers choose none (glewlwyd: `client_secret_expires_at: 0`).
    public var capabilities: IdentityProviderCapabilities {
        IdentityProviderCapabilities(allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1, choosesExpiry: false)
    }

    // MARK: - Discovery

    func discovery() async throws -> OIDCDiscoveryDocument {
        if let cached = discovered.withLock({ $0 }) { return cached }
        guard let issuer = idp.settings.issuer, !issuer.isEmpty else {
            throw ClienteleError.identityProvider("IdP \(idp.name) has no issuer in its settings")
        }
        let document = try await OIDCDiscovery.fetch(issuer: issuer, http: http, idpName: idp.name)
        discovered.withLock { $0 = document }
        return document
    }

    func registrationEndpoint(_ document: OIDCDiscoveryDocument) throws -> String {
        guard let endpoint = document.registrationEndpoint, !endpoint.isEmpty else {
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): issuer \(document.issuer) offers no registration_endpoint: dynamic client registration (RFC 7591) is not enabled there")
        }
        return endpoint
    }

    /// The IdP's configured scopes, space-separated (RFC 6749 §3.3); nil when none are configured.
    var scope: String? {
        guard let scopes = idp.settings.scopes, !scopes.isEmpty else { return nil }
        return scopes.joined(separator: " ")
    }

    // MARK: - Errors

    /// The one shape of every error this adapter throws: IdP, client, what happened, request id.
    func failure(_ text: String, client: String?, requestId: String? = nil) -> ClienteleError {
        .identityProvider("IdP \(idp.name): " + (client.map { "client \($0): " } ?? "") + text
            + (requestId.map { " (client-request-id \($0))" } ?? ""))
    }

    /// Store errors, named for this IdP and client.
    func stored<T>(_ clientId: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ClienteleError.registry(let message) {
            throw failure(message, client: clientId)
        }
    }

    func credential(for clientId: String) throws -> RegistrationCredential? {
        try stored(clientId) { try store.credential(idp: idp.name, clientId: clientId) }
    }

    // MARK: - Reading

    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        // Without a registration access token nothing can be read, and discoverClients cannot list the client
        // either: to this adapter the client is not there, which sync reports as drift.
        guard let credential = try credential(for: reference.clientId) else { return nil }
        guard let configuration = try await readConfiguration(credential) else { return nil }
        return remoteClient(configuration.information, credential: credential)
    }

    public func discoverClients() async throws -> [RemoteClient] {
        let credentials = try stored(nil) { try store.credentials(idp: idp.name) }
        let found = try await withThrowingTaskGroup(of: RemoteClient?.self) { group in
            var pending = credentials.makeIterator()
            func startNext() {
                guard let credential = pending.next() else { return }
                group.addTask { try await self.surveyed(credential) }
            }
            for _ in 0..<Self.parallelReads { startNext() }
            var found: [RemoteClient] = []
            while let result = try await group.next() {
                if let result { found.append(result) }
                startNext()
            }
            return found
        }
        return found.sorted { ($0.displayName, $0.clientId) < ($1.displayName, $1.clientId) }
    }

    /// One client for the survey. A 401 is how RFC 7592 §2.1 says "no such client" (as well as "bad token"), so a
    /// client deleted at the IdP is left out with a warning rather than failing the whole survey: sync then
    /// reports it missing, and `client(_:)` on it explains the 401.
    private func surveyed(_ credential: RegistrationCredential) async throws -> RemoteClient? {
        let clientId = credential.clientId
        let response = try await getConfiguration(credential)
        if response.status == 401 {
            http.logger.warning(
                "IdP \(idp.name): client \(clientId) left out: its registration access token is refused (HTTP 401); the client was deleted at the IdP or its token revoked",
                metadata: ["client-request-id": "\(response.requestId)"])
            return nil
        }
        guard let configuration = try interpretRead(response, credential: credential) else { return nil }
        return remoteClient(configuration.information, credential: credential)
    }

    /// Adopts a client registered outside Clientele: reads it with its token (proving the token works), then keeps
    /// the token in the store. The token is only ever sent to the URI given with it (glewlwyd disables a token for
    /// good when it is used on another client's URI), and only to a URI on the issuer's own origin.
    public func adopt(clientId: String, registrationClientURI: String, registrationAccessToken: SecretText)
        async throws -> RemoteClient
    {
        let document = try await discovery()
        guard let given = URLComponents(string: registrationClientURI), let issuer = URLComponents(string: document.issuer),
            given.scheme == issuer.scheme, given.host == issuer.host, given.port == issuer.port
        else {
            throw failure(
                "the registration client URI \(registrationClientURI) is not on the issuer's origin (\(document.issuer)); the token is not sent there",
                client: clientId)
        }
        // RFC 7592 §3 puts no rule on the URI's shape, but every provider names the client in it; a URI that does
        // not is most likely another client's, and glewlwyd would disable the token for good on that mistake.
        guard given.path.split(separator: "/").contains(where: { $0.removingPercentEncoding == clientId }) else {
            throw failure(
                "the registration client URI \(registrationClientURI) does not name this client; check that the URI and token belong to it (the token is not sent)",
                client: clientId)
        }
        var credential = RegistrationCredential(
            idp: idp.name, clientId: clientId, registrationClientURI: registrationClientURI,
            registrationAccessToken: registrationAccessToken)
        guard let configuration = try await readConfiguration(credential) else {
            throw failure("the IdP has no such client at \(registrationClientURI)", client: clientId)
        }
        let information = configuration.information
        if information.tokenEndpointAuthMethod == "none" {
            throw failure("the client is public (token_endpoint_auth_method none): it has no secret to manage", client: clientId)
        }
        var grantTypes = information.grantTypes ?? ["client_credentials"]
        if !grantTypes.contains("client_credentials") { grantTypes.append("client_credentials") }
        credential.grantTypes = grantTypes
        let previous = try self.credential(for: clientId)?.currentSecret
        credential.currentSecret = information.clientSecret.flatMap { $0.isEmpty ? nil : $0 }.map {
            let seen = secretMetadata(clientId: clientId, text: SecretText($0), displayName: "adopted",
                                      expiresAt: information.secretExpiresAt)
            // Adopting again (a fresh token after a revoked one) keeps what was known about the same secret.
            return previous?.keyId == seen.keyId ? previous! : seen
        }
        try stored(clientId) { try store.save(credential) }
        return remoteClient(information, credential: credential)
    }

    // MARK: - Registering and deleting

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        let purpose = "registering client '\(displayName)'"
        let response = try await postRegistration(displayName: displayName, purpose: purpose)
        switch response.status {
        case 200, 201:  // RFC 7591 §3.2.1 says 201; glewlwyd answers 200.
            break
        case 401, 403:
            throw failure(
                initialAccessToken == nil
                    ? "\(purpose): the IdP requires an initial access token (RFC 7591 §3) and none is configured (HTTP \(response.status))"
                    : "\(purpose): the IdP refused the initial access token: expired, already used, or without the registration scope (HTTP \(response.status))",
                client: nil, requestId: response.requestId)
        default:
            throw failure("\(purpose) was refused: \(OIDCErrorBody.summary(response))", client: nil,
                          requestId: response.requestId)
        }
        let information = try response.decode(OIDCClientInformation.self, purpose: purpose)
        let clientId = information.clientId
        guard let uri = information.registrationClientURI, let token = information.registrationAccessToken else {
            throw failure(
                "registered, but the IdP returned no registration access token, so Clientele cannot manage it (RFC 7592 is not enabled); delete it at the IdP",
                client: clientId, requestId: response.requestId)
        }
        var credential = RegistrationCredential(
            idp: idp.name, clientId: clientId, registrationClientURI: uri, registrationAccessToken: SecretText(token))
        guard let text = information.clientSecret, !text.isEmpty else {
            // A client without a secret is a public client: useless here, so it is not left behind.
            await discardQuietly(credential)
            throw failure(
                "the IdP answered the registration (HTTP \(response.status)) without a client_secret: it made a public client, which was deleted again",
                client: clientId, requestId: response.requestId)
        }
        let secret = SecretText(text)
        credential.currentSecret = secretMetadata(
            clientId: clientId, text: secret, displayName: "initial", expiresAt: information.secretExpiresAt)
        do {
            try stored(clientId) { try store.save(credential) }
        } catch {
            // Without its token stored the client could never be rotated or deleted: do not leave it behind.
            await discardQuietly(credential)
            throw error
        }
        let client = RemoteClient(clientId: clientId, displayName: information.clientName ?? displayName,
                                  secrets: [credential.currentSecret!])
        return (client, NewSecret(metadata: credential.currentSecret!, text: secret))
    }

    /// The registration request itself: without redirect URIs, then (only if the provider demands them) again
    /// with the loopback one as a native client.
    func postRegistration(displayName: String, purpose: String) async throws -> PeerResponse {
        let endpoint = try registrationEndpoint(try await discovery())
        func post(withRedirectURI: Bool) async throws -> PeerResponse {
            let body = OIDCRegistrationRequest.clientCredentials(
                name: displayName, scope: scope, withRedirectURI: withRedirectURI)
            return try await http.send(
                try .json(.POST, endpoint, body: body, bearer: initialAccessToken?.reveal(), purpose: purpose))
        }
        let response = try await post(withRedirectURI: false)
        return Self.demandsRedirectURIs(response) ? try await post(withRedirectURI: true) : response
    }

    /// RFC 7591 §3.2.2's error for a registration the provider refuses for its redirect URIs; nothing was
    /// registered, so asking again with one is safe.
    static func demandsRedirectURIs(_ response: PeerResponse) -> Bool {
        guard response.status == 400,
            let body = try? JSONDecoder().decode(OIDCErrorBody.self, from: response.body)
        else { return false }
        return body.error == "invalid_redirect_uri"
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        // No stored token: deleted already (a retry after an interruption), or never Clientele's to delete.
        guard let credential = try credential(for: reference.clientId) else { return }
        let purpose = "deleting client \(reference.clientId) (RFC 7592 §2.3)"
        let response = try await http.send(
            PeerRequest(method: .DELETE, url: credential.registrationClientURI,
                                    headers: Self.bearer(credential.registrationAccessToken), purpose: purpose))
        switch response.status {
        case 200, 204, 404, 410:  // RFC 7592 §2.3 says 204; glewlwyd answers 200. 404/410: already gone.
            try stored(reference.clientId) { try store.remove(idp: idp.name, clientId: reference.clientId) }
        case 401:
            throw refusedToken(reference.clientId, response)
        default:
            throw failure("deleting it was refused: \(OIDCErrorBody.summary(response))", client: reference.clientId,
                          requestId: response.requestId)
        }
    }

    private func discardQuietly(_ credential: RegistrationCredential) async {
        _ = try? await http.send(
            PeerRequest(method: .DELETE, url: credential.registrationClientURI,
                                    headers: Self.bearer(credential.registrationAccessToken),
                                    purpose: "deleting client \(credential.clientId) again"))
    }

    // MARK: - Admin access

    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let document = try await discovery()
        guard let endpoint = document.registrationEndpoint, !endpoint.isEmpty else {
            return AdminAccessStatus(
                canAct: false, credentialExpiresAt: nil,
                detail: "issuer \(document.issuer) offers no registration_endpoint (RFC 7591 is not enabled)")
        }
        // Each client has its own registration access token; the only admin-like credential is an initial access
        // token, and only when one is configured does anything of Clientele's own expire.
        var detail = "issuer \(document.issuer), registration at \(endpoint)"
        var expiresAt: Date?
        if let initialAccessToken {
            expiresAt = OIDCInitialAccessToken.expiresAt(initialAccessToken)
            detail += ", with an initial access token"
        }
        return AdminAccessStatus(canAct: true, credentialExpiresAt: expiresAt, detail: detail)
    }

    // MARK: - Shared pieces

    static func bearer(_ token: SecretText) -> HTTPHeaders {
        ["Accept": "application/json", "Authorization": "Bearer \(token.reveal())"]
    }

    func secretMetadata(clientId: String, text: SecretText, displayName: String, expiresAt: Date?) -> RemoteSecret {
        // Whole seconds, like every Clientele timestamp, so the date survives the sealed credential unchanged.
        let now = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        return RemoteSecret(keyId: OIDCSecretKeyId.derive(clientId: clientId, secret: text), hint: text.hint,
                            displayName: displayName, createdAt: now, expiresAt: expiresAt)
    }

    func refusedToken(_ clientId: String, _ response: PeerResponse) -> ClienteleError {
        failure(
            "the IdP refused the registration access token (HTTP 401): it was revoked or is wrong, or the client was deleted at the IdP (RFC 7592 §2.1 answers 401 for each); adopt the client again with a valid token",
            client: clientId, requestId: response.requestId)
    }

    /// The client as the registry sees it. Its one secret gets a key id derived from the secret text when the IdP
    /// reports it (RFC 7592 reads may), else the one remembered when Clientele last set it.
    func remoteClient(_ information: OIDCClientInformation, credential: RegistrationCredential) -> RemoteClient {
        var secrets: [RemoteSecret] = []
        if let text = information.clientSecret, !text.isEmpty {
            let keyId = OIDCSecretKeyId.derive(clientId: credential.clientId, secret: SecretText(text))
            if var known = credential.currentSecret, known.keyId == keyId {
                // The IdP's `client_secret_expires_at`, where its read states one, is the truth (RFC 7592 §3).
                if information.clientSecretExpiresAt != nil { known.expiresAt = information.secretExpiresAt }
                secrets = [known]
            } else {
                // Changed outside Clientele: remember when it was first seen, so its date stays put.
                let seen = secretMetadata(clientId: credential.clientId, text: SecretText(text),
                                          displayName: "changed at the IdP", expiresAt: information.secretExpiresAt)
                do {
                    try store.updateCurrentSecret(seen, idp: idp.name, clientId: credential.clientId)
                } catch {
                    http.logger.warning("IdP \(idp.name): client \(credential.clientId): cannot remember its secret's first-seen date: \(error)")
                }
                secrets = [seen]
            }
        } else if let known = credential.currentSecret {
            secrets = [known]
        }
        return RemoteClient(clientId: credential.clientId, displayName: information.clientName ?? credential.clientId,
                            secrets: secrets)
    }
}
