import Foundation
import NIOHTTP1

/// Requests to a Tyk Gateway API (`/hello`, `/tyk/...`) through the one HTTP client, with the admin secret in
/// `X-Tyk-Authorization` and Tyk's `{"status": "error", "message": …}` answers turned into one line.
struct TykAdminAPI: Sendable {
    let gatewayName: String
    let baseURL: String?
    let secret: SecretText?
    let http: PeerHTTPClient

    static let secretHeader = "X-Tyk-Authorization"

    var peer: HTTPPeer { http.peer }

    /// Sends a request and returns whatever status came back (after the client's retries of 429 and 503).
    func send(_ method: HTTPMethod, _ path: String, body: GatewayValue? = nil, authorized: Bool = true, purpose: String)
        async throws -> PeerResponse
    {
        guard let baseURL, !baseURL.isEmpty else {
            throw peer.failure("has no URL; set it with gateway add tyk --url URL (the gateway's control URL)")
        }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if authorized {
            guard let secret else {
                throw peer.failure(
                    "has no admin secret; give one with --secret-env, --secret-file or --secret-command (tyk.conf's secret)")
            }
            headers.add(name: Self.secretHeader, value: secret.reveal())
        }
        var data: Data?
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            data = try JSONEncoder().encode(body)
        }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return try await http.send(PeerRequest(method: method, url: base + path, headers: headers, body: data, purpose: purpose))
    }

    /// Sends a request and decodes a 200 answer; anything else is one line.
    func json(_ method: HTTPMethod, _ path: String, body: GatewayValue? = nil, purpose: String) async throws -> GatewayValue {
        let response = try await send(method, path, body: body, purpose: purpose)
        guard response.status == 200 else { throw failure(response, purpose: purpose) }
        return try response.decode(GatewayValue.self, purpose: purpose)
    }

    /// Tyk's own message from an error answer, when it sent one.
    static func message(_ response: PeerResponse) -> String? {
        (try? JSONDecoder().decode(GatewayValue.self, from: response.body))?[path: "message"]?.stringValue
    }

    /// One line for an answer that is not what was asked: the secret refused, or Tyk's status and message.
    func failure(_ response: PeerResponse, purpose: String) -> ClienteleError {
        if response.status == 403 {
            return peer.failure(
                "\(purpose): the admin secret was refused (HTTP 403 on \(Self.secretHeader)); the credential source must "
                    + "hold tyk.conf's secret (client-request-id \(response.requestId))")
        }
        let message = Self.message(response).map { ": \($0)" } ?? ""
        return peer.failure("\(purpose): Tyk answered HTTP \(response.status)\(message) (client-request-id \(response.requestId))")
    }
}
