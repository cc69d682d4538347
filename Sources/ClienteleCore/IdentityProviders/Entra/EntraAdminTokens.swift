import Foundation

/// Clientele's own Graph access token at one IdP, fetched by client credentials (secret or certificate) and kept
/// by an `AccessTokenCache`.
struct EntraAdminTokens: Sendable {
    private let cache: AccessTokenCache

    init(idpName: String, endpoints: EntraEndpoints, credential: AdminCredential, http: PeerHTTPClient) {
        let tokenEndpoint = EntraTokenEndpoint(endpoints: endpoints, http: http)
        cache = AccessTokenCache {
            try await Self.fetch(idpName: idpName, endpoints: endpoints, credential: credential,
                                 tokenEndpoint: tokenEndpoint)
        }
    }

    func current() async throws -> String { try await cache.current() }

    /// After Graph refused `token` (401 InvalidAuthenticationToken).
    func discard(_ token: String) async { await cache.discard(token) }

    private static func fetch(
        idpName: String, endpoints: EntraEndpoints, credential: AdminCredential, tokenEndpoint: EntraTokenEndpoint
    ) async throws -> AccessTokenCache.Token {
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
        // Entra issues tokens for about an hour (expires_in 3599).
        return AccessTokenCache.Token(value: token.accessToken, issuedAt: started, expiresIn: token.expiresIn)
    }
}

extension EntraTokenEndpoint.Proof {
    var isAssertion: Bool {
        if case .assertion = self { return true }
        return false
    }
}
