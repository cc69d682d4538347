import ClienteleCore
import Foundation
import Testing

/// Consumers and their credentials made by hand at the Kong test server, as an operator (or decK) makes them.
extension KongTestServer {
    /// A consumer; returns its id.
    func consumer(_ username: String?, customId: String? = nil, tags: [String] = []) async throws -> String {
        var fields: [String: Any] = ["tags": tags]
        if let username { fields["username"] = username }
        if let customId { fields["custom_id"] = customId }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let (status, body) = try await admin("POST", "/consumers", json)
        #expect(status == 201, "\(body)")
        return try #require(body["id"] as? String)
    }

    /// A credential under `/consumers/{id}/{segment}` (`key-auth`, `oauth2`, `jwt`, `acls`, `basic-auth`), as Kong
    /// answered its creation.
    @discardableResult
    func credential(_ consumerId: String, _ segment: String, _ json: String = "{}") async throws -> [String: Any] {
        let (status, body) = try await admin("POST", "/consumers/\(consumerId)/\(segment)", json)
        #expect(status == 201, "\(body)")
        return body
    }

    /// The consumer's credentials of one kind, as Kong holds them now.
    func credentials(_ consumerId: String, _ segment: String) async throws -> [[String: Any]] {
        try await admin("GET", "/consumers/\(consumerId)/\(segment)?size=1000").body["data"] as? [[String: Any]] ?? []
    }

    /// Moves the server's clock forward, so a key's ttl runs out without waiting.
    func advanceClock(seconds: Int) async throws {
        var request = PeerRequest(method: .POST, url: control + "/clock", body: Data(#"{"advance_seconds": \#(seconds)}"#.utf8),
                                  purpose: "control clock")
        request.headers.add(name: "Content-Type", value: "application/json")
        let response = try await PeerHTTPClient(peer: .gateway("kong-test-server by hand"), maxAttempts: 1).send(request)
        #expect(response.status == 200)
    }

    /// An `acl` plugin on a service, allowing or denying groups.
    func acl(on service: String, _ list: String, _ groups: [String]) async throws {
        let config = String(decoding: try JSONSerialization.data(withJSONObject: [list: groups]), as: UTF8.self)
        let (status, body) = try await admin("POST", "/services/\(service)/plugins", #"{"name": "acl", "config": \#(config)}"#)
        #expect(status == 201, "\(body)")
    }

    func serviceId(_ name: String) async throws -> String {
        try #require(try await admin("GET", "/services/\(name)").body["id"] as? String)
    }
}
