import Foundation
import NIOHTTP1

/// Authorised Graph calls for one IdP: each request carries Clientele's bearer token, and a 401
/// `InvalidAuthenticationToken` (contract example_401: a revoked, expired or wrong-audience token) drops the cached
/// token and tries once more with a fresh one. Statuses other than that are returned for the adapter to read.
struct GraphConnection: Sendable {
    let tokens: EntraAdminTokens
    let http: PeerHTTPClient

    func send(_ method: HTTPMethod, _ url: String, json body: (any Encodable & Sendable)? = nil, purpose: String)
        async throws -> PeerResponse
    {
        let payload = try body.map { try JSONEncoder().encode($0) }
        let token = try await tokens.current()
        let response = try await http.send(request(method, url, payload, token: token, purpose: purpose))
        guard response.status == 401 else { return response }
        await tokens.discard(token)
        let fresh = try await tokens.current()
        return try await http.send(request(method, url, payload, token: fresh, purpose: purpose))
    }

    private func request(_ method: HTTPMethod, _ url: String, _ body: Data?, token: String, purpose: String)
        -> PeerRequest
    {
        var headers: HTTPHeaders = ["Accept": "application/json", "Authorization": "Bearer \(token)"]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        return PeerRequest(method: method, url: url, headers: headers, body: body, purpose: purpose)
    }
}
