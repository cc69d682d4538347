import Foundation

/// Clientele's own Graph access token at one IdP: fetched by client credentials (secret or certificate), kept
/// until five minutes before it expires, and fetched once however many calls want it at the same moment.
/// An actor, so the cache and the in-flight fetch need no lock.
actor EntraAdminTokens {
    private struct Cached {
        let value: String
        let refreshAt: Date
    }

    private let idpName: String
    private let endpoints: EntraEndpoints
    private let credential: AdminCredential
    private let tokenEndpoint: EntraTokenEndpoint
    private var cached: Cached?
    private var pending: Task<Cached, any Error>?

    init(idpName: String, endpoints: EntraEndpoints, credential: AdminCredential, http: PeerHTTPClient) {
        self.idpName = idpName
        self.endpoints = endpoints
        self.credential = credential
        self.tokenEndpoint = EntraTokenEndpoint(endpoints: endpoints, http: http)
    }

    /// A token good for at least a few more minutes. Expiry is judged by the wall clock, not Clientele's clock:
    /// the token's lifetime runs at the IdP, in real time.
    func current() async throws -> String {
        if let cached, Date() < cached.refreshAt { return cached.value }
        if let pending { return try await pending.value.value }
        let task = Task { try await self.fetch() }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.value
    }

    /// Forgets `token` after Graph refused it (401 InvalidAuthenticationToken: revoked, or the IdP's clock and
    /// ours disagree), unless a newer one has already replaced it.
    func discard(_ token: String) {
        if cached?.value == token { cached = nil }
    }

    private func fetch() async throws -> Cached {
        let purpose = "getting a token for Clientele's app \(endpoints.adminClientId)"
        let proof: EntraTokenEndpoint.Proof
        switch credential {
        case .none:
            throw ClienteleError.identityProvider(
                "IdP \(idpName): no admin credential is configured (a client secret or a certificate for app \(endpoints.adminClientId))")
        case .secret(let secret):
            proof = .secret(secret)
        case .certificate(let certificatePEM, let privateKeyPEM):
            do {
                let certificate = try AdminCertificate(pem: certificatePEM)
                proof = .assertion(try await EntraClientAssertion.make(
                    clientId: endpoints.adminClientId, tokenEndpoint: endpoints.tokenURL, certificate: certificate,
                    privateKeyPEM: privateKeyPEM))
            } catch {
                throw ClienteleError.identityProvider("IdP \(idpName): Clientele's admin certificate: \(error.reason)")
            }
        }
        let started = Date()
        let response = try await tokenEndpoint.request(clientId: endpoints.adminClientId, proof: proof, purpose: purpose)
        guard response.status == 200 else {
            throw EntraErrorLine.adminToken(response, idp: idpName, endpoints: endpoints, certificate: proof.isAssertion)
        }
        let token = try response.decode(EntraTokenResponse.self, purpose: purpose)
        guard !token.accessToken.isEmpty else {
            throw ClienteleError.identityProvider(
                "IdP \(idpName): \(purpose): HTTP 200 with an empty access_token (client-request-id \(response.requestId))")
        }
        // Entra issues tokens for about an hour (expires_in 3599); refresh 5 minutes early, or halfway for a
        // token that short-lived, so a long listing never starts with a token about to lapse.
        let lifetime = max(0, token.expiresIn ?? 300)
        let margin = min(300, lifetime / 2)
        return Cached(value: token.accessToken, refreshAt: started + lifetime - margin)
    }
}

extension EntraTokenEndpoint.Proof {
    var isAssertion: Bool {
        if case .assertion = self { return true }
        return false
    }
}
