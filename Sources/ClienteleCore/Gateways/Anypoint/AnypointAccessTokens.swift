import Foundation
import NIOHTTP1

/// The connected app's access token (client credentials at Access Management's token endpoint, JSON body as the
/// official Terraform provider sends it), kept by an `AccessTokenCache`. The app's secret goes only into that
/// request's body.
struct AnypointAccessTokens: Sendable {
    private struct TokenRequest: Encodable {
        let client_id: String
        let client_secret: String
        let grant_type = "client_credentials"
    }

    private struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Double?
    }

    private let cache: AccessTokenCache

    init(endpoints: AnypointEndpoints, clientId: String, credential: AdminCredential, http: PeerHTTPClient) {
        cache = AccessTokenCache {
            try await Self.fetch(endpoints: endpoints, clientId: clientId, credential: credential, http: http)
        }
    }

    func current() async throws -> String { try await cache.current() }

    /// After API Manager refused `token` (revoked, or expired early).
    func discard(_ token: String) async { await cache.discard(token) }

    private static func fetch(
        endpoints: AnypointEndpoints, clientId: String, credential: AdminCredential, http: PeerHTTPClient
    ) async throws -> AccessTokenCache.Token {
        let purpose = "getting a token for connected app \(clientId)"
        guard !clientId.isEmpty else {
            throw AnypointCredentialRefused(
                line: "\(http.peer): no connected app client id is set; gateway add anypoint … --client-id ID",
                reachedGateway: false)
        }
        guard case .secret(let secret) = credential else {
            throw AnypointCredentialRefused(
                line: "\(http.peer): no secret is configured for connected app \(clientId) (--secret-env, --secret-file or --secret-command)",
                reachedGateway: false)
        }
        let started = Date()
        let request = try PeerRequest.json(
            .POST, endpoints.token, body: TokenRequest(client_id: clientId, client_secret: secret.reveal()),
            bearer: nil, purpose: purpose)
        let response = try await http.send(request)
        switch response.status {
        case 200:
            break
        case 400, 401, 403:
            let message = AnypointErrorBody.message(in: response).map { ": \($0)" } ?? ""
            throw AnypointCredentialRefused(
                line: "\(http.peer): connected app \(clientId) was refused at the token endpoint (HTTP \(response.status)\(message)); "
                    + "check its client id and secret, and that it acts on its own behalf (client credentials)",
                reachedGateway: true)
        default:
            throw http.peer.failure("\(purpose): HTTP \(response.status) (client-request-id \(response.requestId))")
        }
        let token = try response.decode(TokenResponse.self, purpose: purpose)
        guard !token.access_token.isEmpty else {
            throw http.peer.failure("\(purpose): HTTP 200 with an empty access_token (client-request-id \(response.requestId))")
        }
        // Anypoint's tokens last an hour (expires_in 3600).
        return AccessTokenCache.Token(value: token.access_token, issuedAt: started, expiresIn: token.expires_in)
    }
}

/// The token endpoint refused the connected app's credentials: `gateway check` reports it as a problem with the
/// credential rather than with reachability. Its line never holds the secret.
struct AnypointCredentialRefused: Error, CustomStringConvertible {
    let line: String
    /// False when nothing was sent (no client id or secret to send).
    let reachedGateway: Bool
    var description: String { line }
}
