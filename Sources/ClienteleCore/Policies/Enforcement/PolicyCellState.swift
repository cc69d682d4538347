import Foundation

/// What a gateway does with one policy in one environment, as the console's matrix shows it beside the
/// assignment.
public enum PolicyCellState: String, Codable, Sendable, CaseIterable {
    /// The gateway runs it as assigned.
    case applied
    /// The registry changed and `policy apply` has not carried it out yet (or a Tyk reload is still due).
    case pending
    /// The gateway runs something else than Clientele last applied: changed, added or removed behind its back.
    case drifted
    /// The gateway cannot run this kind at all; the assignment is refused there.
    case notExpressible = "not-expressible"
    /// Bound, but not read yet (`gateway sync`), or the last read failed.
    case unknown
    /// The environment has no gateway: the assignment is a record only.
    case recordOnly = "record-only"
    /// Not assigned, and nothing of its kind at the gateway.
    case none

    /// One word for legends and narrow cells.
    public var label: String {
        switch self {
        case .applied: return "applied"
        case .pending: return "pending"
        case .drifted: return "drifted"
        case .notExpressible: return "not expressible"
        case .unknown: return "not read"
        case .recordOnly: return "record only"
        case .none: return "-"
        }
    }
}

/// The matrix's cell states, computed offline from the registry: the assignments, what each gateway ran when last
/// read, and when each environment was last applied.
public enum PolicyCellStates {
    /// A cell is applied when the gateway runs what the registry wants now; drifted when the gateway runs
    /// something other than what Clientele last applied there (changed, added or removed behind its back);
    /// pending when the gateway still runs what was last applied but the registry has changed since.
    public static func compute(
        environment: Environment, assignments: [PolicyAssignment], observation: GatewayObservation?,
        apis: [RemoteAPI], lastApplied: [GatewayPolicy]?, openApply: PolicyApply?,
        mapping: any GatewayPolicyMapping
    ) -> [PolicyKind: PolicyCellState] {
        var states: [PolicyKind: PolicyCellState] = [:]
        let assigned = Set(assignments.map(\.policy))
        guard environment.gateway != .none else {
            for kind in PolicyKind.allCases { states[kind] = assigned.contains(kind) ? .recordOnly : PolicyCellState.none }
            return states
        }
        let refused = Set(PolicyKind.allCases.filter { mapping.refusal(for: $0) != nil })
        guard environment.gatewayId != nil, let observation, observation.error == nil else {
            for kind in PolicyKind.allCases {
                states[kind] = refused.contains(kind) ? .notExpressible : assigned.contains(kind) ? .unknown : PolicyCellState.none
            }
            return states
        }
        let scope = GatewayScope(gatewayName: "", environmentName: environment.name,
                                 gatewayEnvironment: environment.gatewayEnvironment)
        let desired = (try? GatewayInspection.desiredElements(assignments, on: apis, scope: scope, mapping: mapping)) ?? []
        var inspection = GatewayInspection(
            environment: environment, gateway: Gateway(name: "", kind: environment.gateway, settings: GatewaySettings(),
                                                       credentialSource: .none, createdAt: observation.observedAt),
            scope: scope, apis: apis, assignments: assignments, desired: desired, observed: observation.elements,
            differences: GatewayComparison.differences(
                desired: desired, observed: observation.elements, ordersPolicies: mapping.ordersPolicies),
            mapping: mapping)
        if let openApply { inspection.markNotLoaded(writtenBy: openApply) }
        // What changed at the gateway since Clientele last applied there.
        let sinceApply = GatewayComparison.differences(
            desired: lastApplied ?? [], observed: observation.elements, ordersPolicies: mapping.ordersPolicies)
        for kind in PolicyKind.allCases {
            if refused.contains(kind) {
                states[kind] = .notExpressible
                continue
            }
            let differences = inspection.differences.filter { $0.policy == kind }
            let changedAtGateway = sinceApply.contains { difference in
                guard difference.policy == kind else { return false }
                // Never applied: only what someone else put there is drift; the rest waits for a first apply.
                return lastApplied != nil || difference.theirs?.managed == false
            }
            if differences.isEmpty {
                states[kind] = assigned.contains(kind) ? .applied : PolicyCellState.none
            } else if differences.allSatisfy({ $0.kind == .notLoaded }) || !changedAtGateway {
                states[kind] = .pending
            } else {
                states[kind] = .drifted
            }
        }
        return states
    }
}

/// Everything the console's matrix shows, read in one go.
public struct PolicyMatrix: Sendable {
    public var environments: [Environment]
    public var assignments: [PolicyAssignment]
    /// Environment id → gateway name, for bound environments.
    public var gatewayNames: [Int64: String]
    public var states: [Int64: [PolicyKind: PolicyCellState]]
    public var observedAt: [Int64: Date]
    public var observationErrors: [Int64: String]

    public init(environments: [Environment] = [], assignments: [PolicyAssignment] = [], gatewayNames: [Int64: String] = [:],
                states: [Int64: [PolicyKind: PolicyCellState]] = [:], observedAt: [Int64: Date] = [:],
                observationErrors: [Int64: String] = [:])
    {
        self.environments = environments
        self.assignments = assignments
        self.gatewayNames = gatewayNames
        self.states = states
        self.observedAt = observedAt
        self.observationErrors = observationErrors
    }

    public func state(environmentId: Int64, policy: PolicyKind) -> PolicyCellState {
        states[environmentId]?[policy] ?? PolicyCellState.none
    }
}

extension Registry {
    /// The matrix: environments, assignments, and each cell's gateway state as of each gateway's last read.
    public func policyMatrix(
        mappings: (GatewayKind) -> any GatewayPolicyMapping = GatewayMappings.mapping(for:)
    ) throws -> PolicyMatrix {
        let environments = try self.environments()
        let assignments = try allAssignments()
        let observations = try self.observations()
        let apis = try self.apis()
        let gateways = Dictionary(uniqueKeysWithValues: try self.gateways().map { ($0.id!, $0.name) })
        let applies = try policyApplies(limit: 500)
        var matrix = PolicyMatrix(environments: environments, assignments: assignments)
        for environment in environments {
            let id = environment.id!
            if let gatewayId = environment.gatewayId { matrix.gatewayNames[id] = gateways[gatewayId] }
            let observation = observations[id]
            matrix.observedAt[id] = observation?.observedAt
            matrix.observationErrors[id] = observation?.error
            let lastApplied = applies.first { $0.environmentId == id && $0.state == .done }?.appliedElements
            matrix.states[id] = PolicyCellStates.compute(
                environment: environment, assignments: assignments.filter { $0.environmentId == id },
                observation: observation, apis: apis.filter { $0.0.id == id }.map { $0.1.api },
                lastApplied: lastApplied,
                openApply: applies.contains { $0.environmentId == id && $0.isOpen }
                    ? try openPolicyApply(environmentId: id) : nil,
                mapping: mappings(environment.gateway))
        }
        return matrix
    }
}
