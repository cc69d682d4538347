import Foundation
import NIOHTTP1

/// Requests to one Kong Admin API through the shared HTTP client: the admin token in its header when there is
/// one (Kong OSS has no admin auth; Enterprise reads `Kong-Admin-Token`), every page of a list, and Kong's error
/// bodies kept for the caller to name.
struct KongAdminAPI: Sendable {
    /// decK reads 1,000 a page too; it is Kong's largest page (kong/api/endpoints.lua).
    static let pageSize = 1000

    let baseURL: String
    let tokenHeader: String
    let credential: AdminCredential
    let http: PeerHTTPClient

    var peer: HTTPPeer { http.peer }

    func request(_ method: HTTPMethod, _ path: String, body: GatewayValue? = nil, purpose: String) async throws
        -> PeerResponse
    {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if case .secret(let token) = credential { headers.add(name: tokenHeader, value: token.reveal()) }
        var data: Data?
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            data = try JSONEncoder().encode(body)
        }
        return try await http.send(PeerRequest(method: method, url: baseURL + path, headers: headers, body: data,
                                               purpose: purpose))
    }

    /// A request that must succeed (2xx), decoded as JSON; 401/403 and others become one line.
    func json(_ method: HTTPMethod, _ path: String, body: GatewayValue? = nil, purpose: String) async throws
        -> GatewayValue
    {
        let response = try await request(method, path, body: body, purpose: purpose)
        try requireSuccess(response, purpose: purpose)
        return try response.decode(GatewayValue.self, purpose: purpose)
    }

    /// Every entity of a collection (`/services`, `/plugins?tags=prod`), following `offset` as decK does.
    /// `missingIsEmpty`: a 404 is an empty list, as decK takes it for the credential lists of a plugin this Kong
    /// does not run (`/mtls-auths` on OSS) and as it comes for a consumer that is gone.
    func list(_ path: String, tags: String? = nil, missingIsEmpty: Bool = false, purpose: String) async throws
        -> [GatewayValue]
    {
        var entities: [GatewayValue] = []
        var offset: String?
        repeat {
            var query = ["size=\(Self.pageSize)"]
            if let tags { query.append("tags=\(Self.escape(tags))") }
            if let offset { query.append("offset=\(Self.escape(offset))") }
            let response = try await request(.GET, "\(path)?\(query.joined(separator: "&"))", purpose: purpose)
            if missingIsEmpty, response.status == 404 { return entities }
            try requireSuccess(response, purpose: purpose)
            let page = try response.decode(GatewayValue.self, purpose: purpose)
            guard let data = page[path: "data"]?.arrayValue else {
                throw peer.failure("\(purpose): HTTP 200 with JSON without the expected fields (no data)")
            }
            entities += data
            offset = page[path: "offset"]?.stringValue
        } while offset != nil
        return entities
    }

    func requireSuccess(_ response: PeerResponse, purpose: String) throws {
        guard !(200..<300).contains(response.status) else { return }
        if response.status == 401 || response.status == 403 {
            throw peer.failure(
                "\(purpose): the admin token was refused (HTTP \(response.status)); check the credential the gateway record names")
        }
        let message = (try? JSONDecoder().decode(GatewayValue.self, from: response.body))?[path: "message"]?.stringValue
        throw peer.failure(
            "\(purpose): HTTP \(response.status)\(message.map { " (\($0))" } ?? "") (client-request-id \(response.requestId))")
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
