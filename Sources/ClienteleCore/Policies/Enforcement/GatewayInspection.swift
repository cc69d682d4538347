import Foundation

/// One environment as its gateway runs it and as the registry assigns it: the APIs, what the registry's
/// assignments become there, what the gateway holds, and every difference. Plan, apply, drift and adopt all start
/// from one of these.
public struct GatewayInspection: Sendable {
    public var environment: Environment
    public var gateway: Gateway
    public var scope: GatewayScope
    public var apis: [RemoteAPI]
    public var assignments: [PolicyAssignment]
    public var desired: [GatewayPolicy]
    public var observed: [GatewayPolicy]
    public var differences: [GatewayDifference]
    public var mapping: any GatewayPolicyMapping
    /// An apply that stopped before it finished, when there is one (`policy apply` resumes it).
    public var unfinishedApply: Int64? = nil

    /// What `policy apply` would do now, in order.
    public var steps: [GatewayStep] { GatewayComparison.steps(for: differences, mapping: mapping) }

    /// Differences apply leaves alone (elements Clientele does not manage), for plans to mention.
    public var leftAlone: [GatewayDifference] { differences.filter { !$0.isPushable } }

    /// What the registry's assignments become at the gateway. A policy narrowed to an API takes the place of the
    /// environment-wide assignment of the same kind on that API; each API is translated with the assignments in
    /// force on it, so every mapping sees only narrowed assignments and their chain order.
    static func desiredElements(
        _ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope,
        mapping: any GatewayPolicyMapping
    ) throws -> [GatewayPolicy] {
        var elements: [GatewayPolicy] = []
        for api in apis {
            var inForce: [PolicyAssignment] = []
            for assignment in assignments.sorted(by: { $0.position < $1.position }) {
                if assignment.api.isEmpty {
                    let narrowed = assignments.contains {
                        $0.policy == assignment.policy && $0.api.caseInsensitiveCompare(api.name) == .orderedSame
                    }
                    if narrowed { continue }
                } else if assignment.api.caseInsensitiveCompare(api.name) != .orderedSame {
                    continue
                }
                var onThisAPI = assignment
                onThisAPI.api = api.name
                inForce.append(onThisAPI)
            }
            guard !inForce.isEmpty else { continue }
            elements += try mapping.desired(inForce, on: [api], scope: scope)
        }
        return elements
    }

    /// A gateway that serves writes only after a reload (Tyk) still shows the old state for what an unfinished
    /// apply wrote before its reload: those differences are "not loaded yet", not drift.
    mutating func markNotLoaded(writtenBy apply: PolicyApply) {
        guard apply.steps.contains(where: { $0.step.action == .reload && $0.state != .done }) else { return }
        let written = Set(apply.steps.filter { $0.state == .done && $0.step.isWrite }.map {
            GatewayPolicyKey(apiId: $0.step.apiId, element: $0.step.element)
        })
        for index in differences.indices
        where written.contains(GatewayPolicyKey(apiId: differences[index].apiId, element: differences[index].element)) {
            differences[index].kind = .notLoaded
        }
    }

    static func make(
        environment: Environment, gateway: Gateway, scope: GatewayScope, apis: [RemoteAPI],
        assignments: [PolicyAssignment], observed: [GatewayPolicy], mapping: any GatewayPolicyMapping
    ) throws -> GatewayInspection {
        let desired = try desiredElements(assignments, on: apis, scope: scope, mapping: mapping)
        let differences = GatewayComparison.differences(
            desired: desired, observed: observed, ordersPolicies: mapping.ordersPolicies)
        return GatewayInspection(
            environment: environment, gateway: gateway, scope: scope, apis: apis, assignments: assignments,
            desired: desired, observed: observed, differences: differences, mapping: mapping)
    }
}
