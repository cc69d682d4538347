import Foundation
import NIOHTTP1

/// Authorised calls to one Anypoint organization: each carries the connected app's bearer token and the
/// organization (and environment) headers the official provider sends; a 401 drops the cached token and tries
/// once more with a fresh one. Other statuses are returned for the adapter to read.
struct AnypointConnection: Sendable {
    let endpoints: AnypointEndpoints
    let tokens: AnypointAccessTokens
    let http: PeerHTTPClient

    var peer: HTTPPeer { http.peer }

    func send(_ method: HTTPMethod, _ url: String, json body: GatewayValue? = nil, environment: String? = nil,
              purpose: String) async throws -> PeerResponse
    {
        let payload = try body.map { try JSONEncoder().encode($0) }
        let token = try await currentToken()
        let response = try await http.send(request(method, url, payload, token, environment, purpose))
        guard response.status == 401 else { return response }
        await tokens.discard(token)
        let fresh = try await currentToken()
        let retried = try await http.send(request(method, url, payload, fresh, environment, purpose))
        if retried.status == 401 {
            throw peer.failure(
                "\(purpose): a fresh token for connected app was refused too (HTTP 401); check the app's scopes in Access Management (client-request-id \(retried.requestId))")
        }
        return retried
    }

    func currentToken() async throws -> String {
        do {
            return try await tokens.current()
        } catch let refused as AnypointCredentialRefused {
            throw ClienteleError.gateway(refused.line)
        }
    }

    /// Where a 403 sends the operator for Exchange's client applications, which are the organization's.
    static let exchangePermissions = "Exchange permissions to manage client applications in this organization"

    /// A status the caller has no better words for: one line with the gateway's own message.
    func failure(_ response: PeerResponse, _ purpose: String, environment: String? = nil,
                 permissions: String = "API Manager permissions in this organization and environment") -> ClienteleError
    {
        let message = AnypointErrorBody.message(in: response).map { ": \($0)" } ?? ""
        let hint: String
        switch response.status {
        case 403: hint = "; give the connected app \(permissions)"
        case 404 where environment != nil:
            hint = "; is \(environment ?? "") an environment id of organization \(endpoints.organizationId)? gateway check lists them"
        default: hint = ""
        }
        return peer.failure(
            "\(purpose): HTTP \(response.status)\(message)\(hint) (client-request-id \(response.requestId))")
    }

    private func request(_ method: HTTPMethod, _ url: String, _ body: Data?, _ token: String, _ environment: String?,
                         _ purpose: String) -> PeerRequest
    {
        var headers: HTTPHeaders = ["Accept": "application/json", "Authorization": "Bearer \(token)"]
        if !endpoints.organizationId.isEmpty { headers.add(name: "X-ANYPNT-ORG-ID", value: endpoints.organizationId) }
        if let environment { headers.add(name: "X-ANYPNT-ENV-ID", value: environment) }
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        return PeerRequest(method: method, url: url, headers: headers, body: body, purpose: purpose)
    }
}
