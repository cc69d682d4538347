import Foundation

/// The OAuth client routes of the Gateway API (gateway/api.go). Clients live in Redis, one copy per API that
/// holds them: every change is effective at once, and no reload is involved.
extension TykAdminAPI {
    /// An id as one path segment: client ids are chosen by whoever created the client.
    static func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }

    /// Every client the API holds (`GET /tyk/oauth/clients/{apiID}`, one unpaged array).
    func oauthClients(of apiId: String) async throws -> [TykOAuthClient] {
        let purpose = "listing the OAuth clients of API \(apiId)"
        let listed = try await json(.GET, "/tyk/oauth/clients/\(Self.segment(apiId))", purpose: purpose)
        guard let array = listed.arrayValue else { throw peer.failure("\(purpose): the answer is not a list of clients") }
        return try array.map { value in
            guard let client = TykOAuthClient(value) else {
                throw peer.failure("\(purpose): an entry has no client_id or no secret")
            }
            return client
        }
    }

    /// The API's copy of one client, nil when the API does not hold it (or is gone).
    func oauthClient(_ clientId: String, of apiId: String) async throws -> TykOAuthClient? {
        let purpose = "reading OAuth client \(clientId) of API \(apiId)"
        let response = try await send(
            .GET, "/tyk/oauth/clients/\(Self.segment(apiId))/\(Self.segment(clientId))", purpose: purpose)
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response, purpose: purpose) }
        return try Self.client(try response.decode(GatewayValue.self, purpose: purpose), peer: peer, purpose: purpose)
    }

    /// The ids of the OAuth APIs holding the client, of every org (`getApisForOauthApp` with no `orgID`), sorted.
    func apisHolding(_ clientId: String) async throws -> [String] {
        let purpose = "finding the APIs that hold OAuth client \(clientId)"
        let listed = try await json(.GET, "/tyk/oauth/clients/apis/\(Self.segment(clientId))", purpose: purpose)
        guard let ids = listed.arrayValue?.compactMap(\.stringValue) else {
            throw peer.failure("\(purpose): the answer is not a list of API ids")
        }
        return Array(Set(ids)).sorted()
    }

    /// `PUT …/rotate`: a new random secret for the API's copy; the old one stops working at once.
    func rotateOAuthClient(_ clientId: String, of apiId: String) async throws -> TykOAuthClient {
        let purpose = "rotating the secret of OAuth client \(clientId) under API \(apiId)"
        let answer = try await json(
            .PUT, "/tyk/oauth/clients/\(Self.segment(apiId))/\(Self.segment(clientId))/rotate", purpose: purpose)
        return try Self.client(answer, peer: peer, purpose: purpose)
    }

    /// Writes `client` with `secret` over the copy `apiId` holds.
    func overwriteOAuthClient(_ client: TykOAuthClient, of apiId: String, secret: SecretText) async throws
        -> TykOAuthClient
    {
        let purpose = "setting the new secret of OAuth client \(client.clientId) under API \(apiId)"
        let answer = try await json(.POST, "/tyk/oauth/clients/create", body: client.creation(under: apiId, secret: secret),
                                    purpose: purpose)
        return try Self.client(answer, peer: peer, purpose: purpose)
    }

    private static func client(_ value: GatewayValue, peer: HTTPPeer, purpose: String) throws -> TykOAuthClient {
        guard let client = TykOAuthClient(value) else { throw peer.failure("\(purpose): the answer has no client_id or no secret") }
        return client
    }
}
