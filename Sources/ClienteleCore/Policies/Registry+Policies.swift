import Foundation

/// A request to change one policy assignment.
public struct PolicyChangeRequest: Sendable {
    public enum Intent: Sendable {
        /// Assign with this configuration (raw `key=value` pairs, validated against the catalog), optionally at a
        /// position (1-based); re-assigning reconfigures.
        case assign(pairs: [String], position: Int?)
        case unassign
        case move(to: Int)
    }

    public var policy: PolicyKind
    public var environment: String
    public var api: String
    public var intent: Intent

    public init(policy: PolicyKind, environment: String, api: String? = nil, intent: Intent) {
        self.policy = policy
        self.environment = environment
        self.api = api?.trimmingCharacters(in: .whitespaces) ?? ""
        self.intent = intent
    }
}

extension Registry {
    /// Policies assigned in an environment, in chain order.
    public func assignments(in environmentName: String) throws -> [PolicyAssignment] {
        try read { transaction in
            let environment = try Self.environment(transaction, named: environmentName)
            return try Self.assignments(transaction, environmentId: environment.id!)
        }
    }

    /// Every assignment in every environment, for the console's matrix.
    public func allAssignments() throws -> [PolicyAssignment] {
        try read { transaction in try transaction.records(PolicyAssignment.self, "ORDER BY environmentId, position, id") }
    }

    static func assignments(_ transaction: StoreTransaction, environmentId: Int64) throws -> [PolicyAssignment] {
        try transaction.records(
            PolicyAssignment.self, "WHERE environmentId = ? ORDER BY position, id", [.integer(environmentId)])
    }

    static func effectivePolicies(_ transaction: StoreTransaction, environments: [Environment]) throws -> [EffectivePolicy] {
        try environments.flatMap { environment in
            try assignments(transaction, environmentId: environment.id!).map {
                EffectivePolicy(environment: environment, assignment: $0)
            }
        }
    }

    /// The policies in force for a client, through each environment it is in.
    public func effectivePolicies(forClient reference: String) throws -> (Client, [EffectivePolicy]) {
        try read { transaction in
            let client = try Self.resolveClient(transaction, reference)
            let environments = try transaction.records(
                Environment.self, """
                    WHERE id IN (SELECT environmentId FROM clientEnvironment WHERE clientRowId = ?)
                    ORDER BY \(Environment.displayOrder(transaction.dialect))
                    """, [.integer(client.id!)])
            return (client, try Self.effectivePolicies(transaction, environments: environments))
        }
    }

    /// What `request` would change, without changing anything. Invalid configuration throws here, so a bad
    /// `--config` is reported before any write.
    public func planPolicyChange(_ request: PolicyChangeRequest) throws -> PolicyPlan {
        let now = clock.now
        return try read { transaction in try Self.plan(transaction, request, now: now) }
    }

    /// Applies `request` in one transaction with its audit event, and returns the plan it carried out.
    @discardableResult
    public func applyPolicyChange(_ request: PolicyChangeRequest, actor: String) throws -> PolicyPlan {
        let now = clock.now
        return try write { transaction in
            let plan = try Self.plan(transaction, request, now: now)
            let subject = "environment \(plan.environment.name)"
            switch plan.change {
            case .nothing:
                return plan
            case .add(var assignment):
                try Self.shiftPositions(transaction, environmentId: assignment.environmentId, from: assignment.position, by: 1)
                try transaction.insert(&assignment)
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "policy.assigned", subject: subject,
                    details: Self.auditDetails(assignment))
            case .update(_, let new, let changes):
                try transaction.update(new)
                var details = Self.auditDetails(new)
                details["changed"] = changes.map(\.key).joined(separator: ",")
                try AuditTrail.append(transaction, at: now, actor: actor, action: "policy.reconfigured", subject: subject,
                                      details: details)
            case .move(var assignment, let from, let to):
                try Self.shiftPositions(transaction, environmentId: assignment.environmentId, from: from + 1, by: -1)
                try Self.shiftPositions(transaction, environmentId: assignment.environmentId, from: to, by: 1, excluding: assignment.id)
                assignment.position = to
                assignment.updatedAt = now
                try transaction.update(assignment)
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "policy.moved", subject: subject,
                    details: ["policy": assignment.label, "from": String(from), "to": String(to)])
            case .remove(let assignment):
                try transaction.delete(PolicyAssignment.self, id: assignment.id!)
                try Self.shiftPositions(transaction, environmentId: assignment.environmentId, from: assignment.position + 1, by: -1)
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "policy.unassigned", subject: subject,
                    details: Self.auditDetails(assignment))
            }
            return plan
        }
    }

    private static func plan(_ transaction: StoreTransaction, _ request: PolicyChangeRequest, now: Date) throws -> PolicyPlan {
        let environment = try environment(transaction, named: request.environment)
        let current = try assignments(transaction, environmentId: environment.id!)
        let existing = current.first { $0.policy == request.policy && $0.api == request.api }
        let schema = PolicyCatalog.schema(for: request.policy)
        let label = request.api.isEmpty ? request.policy.rawValue : "\(request.policy.rawValue)@\(request.api)"

        switch request.intent {
        case .assign(let pairs, let position):
            let configuration = try schema.validate(pairs: pairs)
            try checkExpressible(transaction, request, configuration: configuration, in: environment, beside: current, now: now)
            if let existing {
                if let position, position != existing.position {
                    throw ClienteleError.invalidInput(
                        "\(label) is already assigned in \(environment.name) at position \(existing.position); move it with `clientele policy move --to`, or reconfigure it without --position")
                }
                let changes = schema.fields.compactMap { field -> PolicyPlan.KeyChange? in
                    let old = existing.configuration[field.key]?.description
                    let new = configuration[field.key]?.description
                    return old == new ? nil : PolicyPlan.KeyChange(key: field.key, old: old, new: new)
                }
                if changes.isEmpty { return PolicyPlan(environment: environment, change: .nothing(existing)) }
                var updated = existing
                updated.configuration = configuration
                updated.updatedAt = now
                return PolicyPlan(environment: environment, change: .update(old: existing, new: updated, changes: changes))
            }
            let last = current.count + 1
            let target = try validPosition(
                position ?? last, maximum: last, environment: environment, flag: "--position")
            return PolicyPlan(
                environment: environment,
                change: .add(
                    PolicyAssignment(
                        environmentId: environment.id!, policy: request.policy, api: request.api,
                        configuration: configuration, position: target, createdAt: now, updatedAt: now)))
        case .unassign:
            guard let existing else {
                throw ClienteleError.notFound(
                    "\(label) is not assigned in \(environment.name)"
                        + (current.isEmpty ? "" : "; assigned there: \(current.map(\.label).joined(separator: ", "))"))
            }
            return PolicyPlan(environment: environment, change: .remove(existing))
        case .move(let to):
            guard let existing else {
                throw ClienteleError.notFound("\(label) is not assigned in \(environment.name); assign it first")
            }
            let target = try validPosition(to, maximum: current.count, environment: environment, flag: "--to")
            if target == existing.position { return PolicyPlan(environment: environment, change: .nothing(existing)) }
            return PolicyPlan(environment: environment, change: .move(existing, from: existing.position, to: target))
        }
    }

    /// An environment behind a gateway takes only what that gateway can run: a kind it cannot express, two kinds
    /// that would share one gateway element, or an API it does not have are refused here, before anything is
    /// written anywhere.
    private static func checkExpressible(
        _ transaction: StoreTransaction, _ request: PolicyChangeRequest, configuration: PolicyConfiguration, in environment: Environment,
        beside current: [PolicyAssignment], now: Date
    ) throws {
        guard environment.gateway != .none else { return }
        let mapping = GatewayMappings.mapping(for: environment.gateway)
        let gatewayName = try environment.gatewayId.flatMap { try transaction.record(Gateway.self, id: $0) }?.name
        let at = gatewayName.map { "gateway \($0) (\(environment.gateway.rawValue))" } ?? environment.gateway.rawValue
        if let refusal = mapping.refusal(for: request.policy) {
            throw ClienteleError.invalidInput("\(request.policy.rawValue) in \(environment.name) on \(at): \(refusal)")
        }
        if !request.api.isEmpty {
            let known = try apiNames(transaction, environmentId: environment.id!)
            if !known.isEmpty, !known.contains(where: { $0.caseInsensitiveCompare(request.api) == .orderedSame }) {
                throw ClienteleError.notFound(
                    "no API '\(request.api)' in \(environment.name) at \(at); known: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : "") (`clientele api list --env \(environment.name)`)")
            }
        }
        let candidate = PolicyAssignment(
            environmentId: environment.id!, policy: request.policy, api: request.api, configuration: configuration,
            position: current.count + 1, createdAt: now, updatedAt: now)
        let others = current.filter { !($0.policy == request.policy && $0.api == request.api) }
        if let conflict = mapping.conflict(adding: candidate, beside: others) {
            throw ClienteleError.invalidInput("\(candidate.label) in \(environment.name) on \(at): \(conflict)")
        }
        // The mapping's translation also catches values the gateway has no form for (a 90 s window on Kong).
        let probe = RemoteAPI(remoteId: "-", name: request.api.isEmpty ? "every API" : request.api)
        _ = try mapping.desired(
            [candidate], on: [probe],
            scope: GatewayScope(gatewayName: gatewayName ?? environment.gateway.rawValue, environmentName: environment.name,
                                gatewayEnvironment: environment.gatewayEnvironment))
    }

    private static func validPosition(_ position: Int, maximum: Int, environment: Environment, flag: String) throws
        -> Int
    {
        guard (1...max(maximum, 1)).contains(position) else {
            throw ClienteleError.invalidInput(
                "\(flag) \(position) is outside 1…\(max(maximum, 1)) for \(environment.name)")
        }
        return position
    }

    private static func shiftPositions(
        _ transaction: StoreTransaction, environmentId: Int64, from position: Int, by delta: Int,
        excluding excluded: Int64? = nil
    ) throws {
        let shift = "UPDATE policyAssignment SET position = position + ? WHERE environmentId = ? AND position >= ?"
        if let excluded {
            try transaction.execute(shift + " AND id <> ?", delta, environmentId, position, excluded)
        } else {
            try transaction.execute(shift, delta, environmentId, position)
        }
    }

    private static func auditDetails(_ assignment: PolicyAssignment) -> [String: String] {
        let schema = PolicyCatalog.schema(for: assignment.policy)
        var details = ["policy": assignment.policy.rawValue, "position": String(assignment.position)]
        if !assignment.api.isEmpty { details["api"] = assignment.api }
        details["configuration"] = assignment.configuration.pairs(orderedBy: schema).map { "\($0)=\($1)" }
            .joined(separator: " ")
        return details
    }
}
