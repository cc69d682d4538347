import Foundation

/// What claiming an environment's apply found.
enum PolicyApplyClaim: Sendable {
    case claimed(PolicyApply)
    case held(LeaseHolder?, PolicyApply)
}

extension Registry {
    /// The environment's apply in progress, if one is, with its steps.
    public func openPolicyApply(environmentId: Int64) throws -> PolicyApply? {
        try read { transaction in
            guard var apply = try Self.openPolicyApply(transaction, environmentId: environmentId) else { return nil }
            apply.steps = try Self.steps(transaction, of: apply.id!)
            return apply
        }
    }

    /// Applies most recent first, without their steps.
    public func policyApplies(limit: Int = 50) throws -> [PolicyApply] {
        try read { transaction in try transaction.records(PolicyApply.self, "ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]) }
    }

    private static func openPolicyApply(_ transaction: StoreTransaction, environmentId: Int64) throws -> PolicyApply? {
        try transaction.record(
            PolicyApply.self, "WHERE environmentId = ? AND state = ?",
            [.integer(environmentId), PolicyApply.State.running.storeValue])
    }

    static func steps(_ transaction: StoreTransaction, of applyId: Int64) throws -> [RecordedStep] {
        try transaction.fetchAll(
            "SELECT step, state, remoteId FROM policyApplyStep WHERE applyId = ? ORDER BY position", [.integer(applyId)]
        ) { row in
            RecordedStep(step: try row.json(0, as: GatewayStep.self), state: try row.value(1, as: RecordedStep.State.self),
                         remoteId: try row.optionalString(2))
        }
    }

    static func replaceSteps(_ transaction: StoreTransaction, of applyId: Int64, with steps: [RecordedStep]) throws {
        try transaction.execute("DELETE FROM policyApplyStep WHERE applyId = ?", applyId)
        for (position, recorded) in steps.enumerated() {
            try transaction.execute(
                "INSERT INTO policyApplyStep(applyId, position, step, state, remoteId) VALUES (?, ?, ?, ?, ?)",
                [.integer(applyId), .integer(Int64(position)), try StoredJSON.value(recorded.step),
                 recorded.state.storeValue, recorded.remoteId.storeValue])
        }
    }

    /// Records a new apply with its steps, leased to `owner`, with its audit event; or, when the environment already
    /// has one in progress, claims that one instead (it must finish first: its steps were planned against the
    /// gateway as it was).
    func startPolicyApply(
        environment: Environment, gateway: Gateway, steps: [GatewayStep], actor: String, owner: String,
        holder: LeaseHolder, term: LeaseTerm, mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> (PolicyApplyClaim, resumed: Bool) {
        let now = clock.now
        return try write { transaction in
            if let open = try Self.openPolicyApply(transaction, environmentId: environment.id!) {
                var claim = try Self.claimPolicyApply(
                    transaction, open, owner: owner, holder: holder, term: term, mayTakeOver: mayTakeOver)
                if case .claimed(var claimed) = claim {
                    claimed.steps = try Self.steps(transaction, of: claimed.id!)
                    claim = .claimed(claimed)
                }
                return (claim, true)
            }
            var apply = PolicyApply(
                environmentId: environment.id!, gatewayId: gateway.id!, state: .running, actor: actor,
                leaseOwner: owner, leaseUntil: try transaction.leaseTime() + term.duration, leaseHolder: holder,
                createdAt: now, updatedAt: now)
            try transaction.insert(&apply)
            apply.steps = steps.map { RecordedStep(step: $0) }
            try Self.replaceSteps(transaction, of: apply.id!, with: apply.steps)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "policy.apply-started", subject: "environment \(environment.name)",
                details: ["gateway": gateway.name, "apply": String(apply.id!), "steps": String(steps.count)])
            return (.claimed(apply), false)
        }
    }

    private static func claimPolicyApply(
        _ transaction: StoreTransaction, _ apply: PolicyApply, owner: String, holder: LeaseHolder, term: LeaseTerm,
        mayTakeOver: (LeaseHolder?) -> Bool
    ) throws -> PolicyApplyClaim {
        if leaseKeepsOut(claimer: owner, owner: apply.leaseOwner, until: apply.leaseUntil, holder: apply.leaseHolder,
                         now: try transaction.leaseTime(), mayTakeOver: mayTakeOver)
        {
            return .held(apply.leaseHolder, apply)
        }
        guard try claimLease(transaction,
                             .policyApply(apply.id!), expectedOwner: apply.leaseOwner, owner: owner,
                             holder: holder, term: term),
            let claimed = try transaction.record(PolicyApply.self, id: apply.id!)
        else {
            return .held(apply.leaseHolder, apply)
        }
        return .claimed(claimed)
    }
}
