import Foundation

/// Clientele's policies as API Manager policies on Anypoint API instances: each kind is one policy template from
/// MuleSoft's group (contract policy-templates.json), identified on an instance by its asset id, ordered in the
/// instance's chain. Pure; `AnypointGateway` does the talking.
public struct AnypointPolicyMapping: GatewayPolicyMapping {
    public init() {}

    public var kind: GatewayKind { .anypoint }

    /// The chain order is what the gateway runs (a policy's `order`), so a different order is drift.
    public var ordersPolicies: Bool { true }

    /// The OpenID Connect template carries the IdP's introspection client secret in its configuration, where the
    /// gateway keeps and shows it; Clientele never stores or sends a secret's text, so it does not write that
    /// template. jwt-validation against the IdP's published keys checks the same tokens without a secret.
    static let oidcRefusal = "Anypoint's openid-connect-access-token-enforcement policy needs the IdP's introspection "
        + "client secret inside its configuration, and Clientele never stores a secret's text; assign jwt-validation "
        + "with the IdP's jwks-url instead (or apply the OpenID Connect policy in API Manager yourself)"

    public func refusal(for policy: PolicyKind) -> String? {
        policy == .oidcAccessTokenEnforcement ? Self.oidcRefusal : nil
    }

    /// One API instance holds one policy per template, so a kind sits on an API once: a second assignment of it
    /// for the same API (or for every API, beside one narrowed to it) would be the same policy.
    public func conflict(adding: PolicyAssignment, beside existing: [PolicyAssignment]) -> String? {
        guard let other = existing.first(where: {
            $0.policy == adding.policy && !($0.id != nil && $0.id == adding.id)
                && ($0.api == adding.api || $0.api.isEmpty || adding.api.isEmpty)
        }) else { return nil }
        return "\(adding.label) would be the same Anypoint \(AnypointPolicyTemplate.forKind(adding.policy)?.assetId ?? adding.policy.rawValue) "
            + "policy as \(other.label) on \(adding.api.isEmpty ? (other.api.isEmpty ? "every API" : other.api) : adding.api); "
            + "change \(other.label) instead"
    }

    public func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws
        -> [GatewayPolicy]
    {
        var elements: [GatewayPolicy] = []
        for api in apis {
            // An assignment narrowed to this API wins over one for every API of the same kind.
            var chosen: [PolicyKind: PolicyAssignment] = [:]
            for assignment in assignments where assignment.api.isEmpty || assignment.api == api.name {
                if let held = chosen[assignment.policy], !held.api.isEmpty, assignment.api.isEmpty { continue }
                chosen[assignment.policy] = assignment
            }
            let chain = chosen.values.sorted { ($0.position, $0.policy) < ($1.position, $1.policy) }
            for (index, assignment) in chain.enumerated() {
                if let refusal = refusal(for: assignment.policy) {
                    throw ClienteleError.invalidInput(
                        "gateway \(scope.gatewayName): environment \(scope.environmentName): \(assignment.label): \(refusal)")
                }
                guard let template = AnypointPolicyTemplate.forKind(assignment.policy) else { continue }
                elements.append(GatewayPolicy(
                    apiId: api.remoteId, apiName: api.name, element: template.assetId, version: template.assetVersion,
                    fields: try AnypointConfigurationFields(assignment: assignment, scope: scope).fields(),
                    order: index + 1, managed: true, kind: assignment.policy))
            }
        }
        return elements
    }

    public func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? {
        guard let kind = AnypointPolicyTemplate.kind(ofAsset: element.element), refusal(for: kind) == nil,
            let pairs = AnypointConfigurationAdoption(kind: kind, fields: element.fields).pairs()
        else { return nil }
        return AdoptedPolicy(kind: kind, pairs: pairs)
    }

    public func describe(_ element: GatewayPolicy) -> String {
        let api = element.apiId.map { "API instance \($0)" } ?? "the organization"
        if element.element == "order" { return "Anypoint policy order on \(api)" }
        let version = element.version.map { " \($0)" } ?? ""
        return "Anypoint \(element.element)\(version) on \(api)"
    }
}
