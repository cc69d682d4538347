import Foundation

/// Which services a consumer may call, as Kong's `acl` plugin decides it (kong/plugins/acl/schema.lua: `allow`
/// or `deny`, only one of them): a service whose acl plugin allows one of the consumer's groups is a contract,
/// unless a deny list names one of them. A service with only a deny list grants nothing Clientele can call a
/// contract, so none is reported for it.
struct KongACLContracts: Sendable {
    struct Rule: Sendable {
        let serviceId: String
        let allow: Set<String>
        let deny: Set<String>
    }

    let rules: [Rule]

    /// The acl plugins scoped to a service alone (a route- or consumer-scoped one narrows a single route or
    /// consumer, not the API), every page of `/plugins`.
    static func read(_ api: KongAdminAPI) async throws -> KongACLContracts {
        let plugins = try await api.list("/plugins", purpose: "listing plugins for acl groups")
        let rules = plugins.compactMap { plugin -> Rule? in
            guard plugin[path: "name"]?.stringValue == "acl", plugin[path: "enabled"]?.boolValue != false,
                let service = plugin[path: "service.id"]?.stringValue, plugin[path: "route.id"] == nil,
                plugin[path: "consumer.id"] == nil
            else { return nil }
            return Rule(serviceId: service, allow: Set(plugin[path: "config.allow"]?.stringsValue ?? []),
                        deny: Set(plugin[path: "config.deny"]?.stringsValue ?? []))
        }
        return KongACLContracts(rules: rules)
    }

    func contracts(forGroups groups: Set<String>) -> [GatewayAppContract] {
        let services = rules.filter { !$0.allow.isDisjoint(with: groups) && $0.deny.isDisjoint(with: groups) }
            .map(\.serviceId)
        return Set(services).sorted().map { GatewayAppContract(apiRemoteId: $0, status: "granted") }
    }
}
