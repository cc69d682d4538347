import ClienteleCore

/// Environments (rows) × policies (columns), with the cell under the cursor.
public struct MatrixState: Sendable {
    public var environments: [Environment] = []
    public var assignments: [PolicyAssignment] = []
    public var loaded = false
    public var row = 0
    public var column = 0

    public init() {}

    public static let policies = PolicyKind.allCases

    public func assignment(environment: Environment, policy: PolicyKind) -> PolicyAssignment? {
        assignments.first { $0.environmentId == environment.id && $0.policy == policy && $0.api.isEmpty }
            ?? assignments.first { $0.environmentId == environment.id && $0.policy == policy }
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
