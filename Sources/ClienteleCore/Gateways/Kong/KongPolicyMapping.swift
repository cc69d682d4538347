import Foundation

/// Clientele's eight policies as Kong OSS plugins (shared/contracts/kong/README.md, the mapping table).
///
/// A policy assigned without `--api` becomes one plugin on each service of the environment, never a global plugin:
/// the environment owns the services carrying its tag, not the whole Kong, and a global plugin would also govern
/// the services of every other environment on the same gateway.
public struct KongPolicyMapping: GatewayPolicyMapping {
    public var kind: GatewayKind { .kong }

    /// Tag on every plugin Clientele writes (beside the environment's tag): what `managed` means on Kong.
    public static let managedTag = "managed-by-clientele"

    public init() {}

    public func refusal(for policy: PolicyKind) -> String? {
        // Refused on Enterprise too: Clientele's Kong contract is OSS, and openid-connect's configuration is not in it.
        policy == .oidcAccessTokenEnforcement ? KongPluginTranslation.refusedOIDC : nil
    }

    /// rate-limiting and spike-control both become Kong's one rate-limiting plugin on a service, and Kong allows one
    /// plugin of a name per service.
    public func conflict(adding: PolicyAssignment, beside existing: [PolicyAssignment]) -> String? {
        let sharing: Set<PolicyKind> = [.rateLimiting, .spikeControl]
        guard sharing.contains(adding.policy) else { return nil }
        let clash = existing.first { other in
            other.policy != adding.policy && sharing.contains(other.policy)
                && (other.api.isEmpty || adding.api.isEmpty || other.api == adding.api)
        }
        guard let clash else { return nil }
        let where_ = adding.api.isEmpty ? (clash.api.isEmpty ? "every API" : "API \(clash.api)") : "API \(adding.api)"
        return "\(adding.policy.rawValue) cannot sit beside \(clash.label) on \(where_) at Kong: both are Kong's one rate-limiting plugin per service; keep one of them (rate-limiting window=1s is a per-second ceiling)"
    }

    /// Every assignment is translated first, so a value Kong cannot hold is refused even before any API is
    /// imported. On each API an assignment narrowed to it wins over an every-API one of the same policy.
    public func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws
        -> [GatewayPolicy]
    {
        let translation = KongPluginTranslation(scope: scope)
        let ordered = assignments.sorted { $0.position < $1.position }
        let plugins = try ordered.map { try translation.plugin(for: $0) }
        var elements: [GatewayPolicy] = []
        for api in apis {
            var effective: [PolicyKind: Int] = [:]
            for (index, assignment) in ordered.enumerated() where assignment.api.isEmpty || assignment.api == api.name {
                if let held = effective[assignment.policy], !ordered[held].api.isEmpty, assignment.api.isEmpty { continue }
                effective[assignment.policy] = index
            }
            var byPlugin: [String: PolicyKind] = [:]
            for index in effective.values.sorted() {
                let (assignment, plugin) = (ordered[index], plugins[index])
                if let other = byPlugin[plugin.name] {
                    throw translation.unexpressible(assignment.policy,
                        "cannot sit beside \(other.rawValue) on service \(api.name): both are Kong's one \(plugin.name) plugin there; keep one of them")
                }
                byPlugin[plugin.name] = assignment.policy
                elements.append(GatewayPolicy(
                    apiId: api.remoteId, apiName: api.name, element: plugin.name,
                    remoteId: KongPluginID.derived(serviceId: api.remoteId, plugin: plugin.name), fields: plugin.fields,
                    managed: true, kind: assignment.policy))
            }
        }
        return elements.sorted { $0.key < $1.key }
    }

    public func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? { KongPolicyAdoption.adopt(element) }

    public func describe(_ element: GatewayPolicy) -> String {
        "Kong plugin \(element.element) on service \(element.apiName)"
    }

    /// What a plugin read from Kong stands for.
    public func recognise(plugin: String, fields: [String: GatewayValue]) -> PolicyKind? {
        KongPolicyAdoption.kind(plugin: plugin, fields: fields)
    }
}
