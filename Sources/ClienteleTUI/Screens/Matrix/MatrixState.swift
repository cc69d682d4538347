import ClienteleCore
import Foundation

/// Environments (rows) × policies (columns), with the cell under the cursor, and what each environment's gateway
/// does with each policy as of its last read.
public struct MatrixState: Sendable {
    public var environments: [Environment] = []
    public var assignments: [PolicyAssignment] = []
    /// The cell states, gateway names and last reads, as the core computed them offline.
    public var gateways = PolicyMatrix()
    public var loaded = false
    public var row = 0
    public var column = 0

    public init() {}

    public static let policies = PolicyKind.allCases

    public func assignment(environment: Environment, policy: PolicyKind) -> PolicyAssignment? {
        assignments.first { $0.environmentId == environment.id && $0.policy == policy && $0.api.isEmpty }
            ?? assignments.first { $0.environmentId == environment.id && $0.policy == policy }
    }

    public func state(environment: Environment, policy: PolicyKind) -> PolicyCellState {
        environment.id.map { gateways.state(environmentId: $0, policy: policy) } ?? PolicyCellState.none
    }

    public func gatewayName(of environment: Environment) -> String? {
        environment.id.flatMap { gateways.gatewayNames[$0] }
    }

    public func lastRead(of environment: Environment) -> Date? {
        environment.id.flatMap { gateways.observedAt[$0] }
    }

    public func readError(of environment: Environment) -> String? {
        environment.id.flatMap { gateways.observationErrors[$0] }
    }

    public var selectedEnvironment: Environment? {
        row < environments.count ? environments[row] : nil
    }

    public var selectedPolicy: PolicyKind { Self.policies[min(column, Self.policies.count - 1)] }

    mutating func move(_ command: KeyCommand) {
        switch command {
        case .up: row -= 1
        case .down: row += 1
        case .left: column -= 1
        case .right: column += 1
        case .top: row = 0
        case .bottom: row = environments.count - 1
        default: break
        }
        clamp()
    }

    mutating func clamp() {
        row = max(0, min(row, environments.count - 1))
        column = max(0, min(column, Self.policies.count - 1))
    }
}
