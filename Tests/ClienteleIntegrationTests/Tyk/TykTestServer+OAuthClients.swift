import ClienteleCore
import Foundation
import Testing

/// OAuth APIs, policies and clients made at the test server directly, as someone at Tyk would make them.
extension TykTestServer {
    /// A loaded classic API with `use_oauth2`, in org `org` (empty: the default org); its api_id.
    func oauthAPI(_ name: String, org: String = "", oauth: Bool = true) async throws -> String {
        let body = GatewayValue.object([
            "name": .string(name), "org_id": .string(org), "use_oauth2": .bool(oauth), "use_keyless": .bool(!oauth),
            "proxy": .object(["listen_path": .string("/\(name)/"), "target_url": .string("http://127.0.0.1:9/x"),
                              "strip_listen_path": .bool(true)]),
            "version_data": .object(["not_versioned": .bool(true),
                                     "versions": .object(["Default": .object(["name": .string("Default")])])]),
        ])
        let (status, answer) = try await tyk(.POST, "/tyk/apis", body)
        try #require(status == 200, "\(answer)")
        try await reload()
        return try #require(answer[path: "key"]?.stringValue)
    }

    /// A loaded policy granting `apis`.
    func policy(_ id: String, granting apis: [String]) async throws {
        let rights = Dictionary(uniqueKeysWithValues: apis.map { ($0, GatewayValue.object(["api_id": .string($0)])) })
        let (status, answer) = try await tyk(.POST, "/tyk/policies", .object(["id": .string(id), "access_rights": .object(rights)]))
        try #require(status == 200, "\(answer)")
        try await reload()
    }

    /// An OAuth client with this id and secret, under `api` or through `policy`.
    @discardableResult
    func oauthClient(_ clientId: String, secret: String, api: String? = nil, policy: String? = nil,
                     description: String = "") async throws -> GatewayValue
    {
        var body: [String: GatewayValue] = ["client_id": .string(clientId), "secret": .string(secret),
                                            "redirect_uri": .string("https://app.example/cb"),
                                            "description": .string(description)]
        if let api { body["api_id"] = .string(api) }
        if let policy { body["policy_id"] = .string(policy) }
        let (status, answer) = try await tyk(.POST, "/tyk/oauth/clients/create", .object(body))
        try #require(status == 200, "\(answer)")
        return answer
    }

    /// The secret the API's copy of the client holds now, read behind Clientele's back.
    func secretAt(_ api: String, of clientId: String) async throws -> String? {
        let (status, answer) = try await tyk(.GET, "/tyk/oauth/clients/\(api)/\(clientId)")
        return status == 200 ? answer[path: "secret"]?.stringValue : nil
    }
}

/// A secret text no other test makes.
func freshTykSecret(_ label: String) -> String { "\(label)-\(UUID().uuidString)" }
