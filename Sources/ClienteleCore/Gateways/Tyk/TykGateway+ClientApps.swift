import Foundation

/// Tyk's client side: the OAuth clients of every API that uses OAuth 2.0. Tyk has no list of all clients
/// (`/tyk/oauth/clients/apis/{clientID}` needs the client id first), so each OAuth API's clients are listed.
extension TykGateway {
    /// How many APIs' clients are listed at once: enough to hide loopback latency, few enough for one gateway.
    static let listingWidth = 8

    /// Every OAuth client of every `use_oauth2` API, one per client id with its copies.
    func heldClients() async throws -> [TykHeldClient] {
        let oauthAPIs = try await definitions().compactMap { definition -> (String, String?)? in
            guard definition[path: "use_oauth2"]?.boolValue == true, let id = definition[path: "api_id"]?.stringValue,
                  !id.isEmpty
            else { return nil }
            return (id, definition[path: "org_id"]?.stringValue)
        }
        var listed: [(apiId: String, orgId: String?, clients: [TykOAuthClient])] = []
        var start = 0
        while start < oauthAPIs.count {
            let batch = oauthAPIs[start..<min(start + Self.listingWidth, oauthAPIs.count)]
            start += batch.count
            listed += try await withThrowingTaskGroup(of: (String, String?, [TykOAuthClient]).self) { group in
                for (id, org) in batch { group.addTask { (id, org, try await api.oauthClients(of: id)) } }
                var found: [(apiId: String, orgId: String?, clients: [TykOAuthClient])] = []
                for try await (id, org, clients) in group { found.append((id, org, clients)) }
                return found
            }
        }
        return TykHeldClient.grouping(listed)
    }

    public func clientApps() async throws -> [RemoteGatewayApp] {
        let held = try await heldClients()
        var policies: [String: GatewayValue] = [:]
        if held.contains(where: { $0.primary.client.policyId != nil }) {
            for policy in try await policiesListed() {
                if let id = policy[path: "id"]?.stringValue { policies[id] = policy }
            }
        }
        return held.map { $0.app(policies: policies) }
    }

    /// The client's `secret`, read fresh from the first API holding it (as `clientApps` reports it).
    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        guard app.kind == .tykOAuthClient, app.clientIds.contains(clientId) else { return nil }
        for apiId in try await api.apisHolding(clientId) {
            if let copy = try await api.oauthClient(clientId, of: apiId) { return copy.secret }
        }
        return nil
    }

    public func credentialHolder() -> any IdentityProviderAdapter { TykCredentialHolder(gateway: self) }
}
