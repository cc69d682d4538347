import Foundation

/// What applying a policy change would do, shown before it is done.
public struct PolicyPlan: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        case add(PolicyAssignment)
        /// Same policy, environment and API; the configuration keys that differ, old value → new value.
        case update(old: PolicyAssignment, new: PolicyAssignment, changes: [KeyChange])
        case move(PolicyAssignment, from: Int, to: Int)
        case remove(PolicyAssignment)
        case nothing(PolicyAssignment?)
    }

    public struct KeyChange: Sendable, Hashable {
        public var key: String
        public var old: String?
        public var new: String?
    }

    public var environment: Environment
    public var change: Change

    public var isEmpty: Bool { if case .nothing = change { return true } else { return false } }

    /// The plan as lines of text: `+ rate-limiting in Prod (requests=100, window=1m)`.
    public var lines: [String] {
        let environmentName = environment.name
        func describe(_ assignment: PolicyAssignment) -> String {
            let schema = PolicyCatalog.schema(for: assignment.policy)
            let pairs = assignment.configuration.pairs(orderedBy: schema).map { "\($0)=\($1)" }.joined(separator: ", ")
            return "\(assignment.label) in \(environmentName) at position \(assignment.position)"
                + (pairs.isEmpty ? "" : " (\(pairs))")
        }
        switch change {
        case .add(let assignment):
            return ["+ assign \(describe(assignment))"]
        case .update(let old, _, let changes):
            return ["~ reconfigure \(old.label) in \(environmentName)"]
                + changes.map { "    \($0.key): \($0.old ?? "(unset)") → \($0.new ?? "(unset)")" }
        case .move(let assignment, let from, let to):
            return ["~ move \(assignment.label) in \(environmentName) from position \(from) to \(to)"]
        case .remove(let assignment):
            return ["- unassign \(describe(assignment))"]
        case .nothing(let assignment):
            return ["= no change" + (assignment.map { ": \($0.label) in \(environmentName) is already as asked" } ?? "")]
        }
    }
}

/// A policy in force for an environment (and through it, for a client).
public struct EffectivePolicy: Sendable, Hashable {
    public var environment: Environment
    public var assignment: PolicyAssignment

    public init(environment: Environment, assignment: PolicyAssignment) {
        self.environment = environment
        self.assignment = assignment
    }
}

extension PolicyPlan {
    /// The environment's assignments as they would be after this change, in chain order: what a gateway plan for a
    /// change not yet made is computed from.
    public func assignments(after current: [PolicyAssignment]) -> [PolicyAssignment] {
        var result = current.sorted { $0.position < $1.position }
        switch change {
        case .nothing:
            break
        case .add(let assignment):
            result.insert(assignment, at: min(max(assignment.position - 1, 0), result.count))
        case .update(let old, let new, _):
            if let index = result.firstIndex(where: { $0.id == old.id }) { result[index] = new }
        case .move(let assignment, _, let to):
            result.removeAll { $0.id == assignment.id }
            result.insert(assignment, at: min(max(to - 1, 0), result.count))
        case .remove(let assignment):
            result.removeAll { $0.id == assignment.id }
        }
        for index in result.indices { result[index].position = index + 1 }
        return result
    }
}
