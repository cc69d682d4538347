import Foundation
import NIOHTTP1

/// The connected app's access token (client credentials at Access Management's token endpoint, JSON body as the
/// official Terraform provider sends it): kept until shortly before `expires_in`, fetched once however many calls
/// want it at the same moment. The app's secret goes only into that request's body.
actor AnypointAccessTokens {
    private struct Cached {
        let value: String
        let refreshAt: Date
    }

    private struct TokenRequest: Encodable {
        let client_id: String
        let client_secret: String
        let grant_type = "client_credentials"
    }

    private struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Double?
    }

    private let endpoints: AnypointEndpoints
    private let clientId: String
    private let credential: AdminCredential
    private let http: PeerHTTPClient
    private var cached: Cached?
    private var pending: Task<Cached, any Error>?

    init(endpoints: AnypointEndpoints, clientId: String, credential: AdminCredential, http: PeerHTTPClient) {
        self.endpoints = endpoints
        self.clientId = clientId
        self.credential = credential
        self.http = http
    }

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

    /// Forgets `token` after API Manager refused it (revoked, or expired early), unless a newer one replaced it.
    func discard(_ token: String) {
        if cached?.value == token { cached = nil }
    }

    private func fetch() async throws -> Cached {
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
        // Anypoint's tokens last an hour (expires_in 3600); renew five minutes early, or halfway for a short one.
        let lifetime = max(0, token.expires_in ?? 300)
        return Cached(value: token.access_token, refreshAt: started + lifetime - min(300, lifetime / 2))
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
