import Foundation
import GRDB

/// What claiming an environment's apply found.
enum PolicyApplyClaim: Sendable {
    case claimed(PolicyApply)
    case held(LeaseHolder?, PolicyApply)
}

extension Registry {
    /// The environment's apply in progress, if one is, with its steps.
    public func openPolicyApply(environmentId: Int64) throws -> PolicyApply? {
        try sqliteRead { db in
            guard var apply = try PolicyApply.filter(
                Column("environmentId") == environmentId && Column("state") == PolicyApply.State.running.rawValue
            ).fetchOne(db) else { return nil }
            apply.steps = try Self.steps(db, of: apply.id!)
            return apply
        }
    }

    /// Applies most recent first, without their steps.
    public func policyApplies(limit: Int = 50) throws -> [PolicyApply] {
        try sqliteRead { db in try PolicyApply.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    static func steps(_ db: Database, of applyId: Int64) throws -> [RecordedStep] {
        try PolicyApplyStepRecord.filter(Column("applyId") == applyId).order(Column("position")).fetchAll(db)
            .map(\.recorded)
    }

    static func replaceSteps(_ db: Database, of applyId: Int64, with steps: [RecordedStep]) throws {
        try PolicyApplyStepRecord.filter(Column("applyId") == applyId).deleteAll(db)
        for (position, recorded) in steps.enumerated() {
            try PolicyApplyStepRecord(applyId: applyId, position: position, step: recorded.step, state: recorded.state,
                                      remoteId: recorded.remoteId).insert(db)
        }
    }

    /// Records a new apply with its steps, leased to `owner`, with its audit event; or, when the environment already
    /// has one in progress, claims that one instead (it must finish first: its steps were planned against the
    /// gateway as it was).
    func startPolicyApply(
        environment: Environment, gateway: Gateway, steps: [GatewayStep], actor: String, owner: String,
        holder: LeaseHolder, until: Date, mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> (PolicyApplyClaim, resumed: Bool) {
        let now = clock.now
        return try sqliteWrite { db in
            if let open = try PolicyApply.filter(
                Column("environmentId") == environment.id! && Column("state") == PolicyApply.State.running.rawValue
            ).fetchOne(db) {
                var claim = try Self.claimPolicyApply(
                    db, open, owner: owner, holder: holder, now: now, until: until, mayTakeOver: mayTakeOver)
                if case .claimed(var claimed) = claim {
                    claimed.steps = try Self.steps(db, of: claimed.id!)
                    claim = .claimed(claimed)
                }
                return (claim, true)
            }
            var apply = PolicyApply(
                environmentId: environment.id!, gatewayId: gateway.id!, state: .running, actor: actor,
                leaseOwner: owner, leaseUntil: until, leaseHolder: holder, createdAt: now, updatedAt: now)
            try apply.insert(db)
            apply.steps = steps.map { RecordedStep(step: $0) }
            try Self.replaceSteps(db, of: apply.id!, with: apply.steps)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "policy.apply-started", subject: "environment \(environment.name)",
                details: ["gateway": gateway.name, "apply": String(apply.id!), "steps": String(steps.count)])
            return (.claimed(apply), false)
        }
    }

    private static func claimPolicyApply(
        _ db: Database, _ apply: PolicyApply, owner: String, holder: LeaseHolder, now: Date, until: Date,
        mayTakeOver: (LeaseHolder?) -> Bool
    ) throws -> PolicyApplyClaim {
        if leaseKeepsOut(claimer: owner, owner: apply.leaseOwner, until: apply.leaseUntil, holder: apply.leaseHolder,
                         now: now, mayTakeOver: mayTakeOver)
        {
            return .held(apply.leaseHolder, apply)
        }
        guard try claimLease(db, .policyApply(apply.id!), expectedOwner: apply.leaseOwner, owner: owner,
                             holder: holder, until: until),
            let claimed = try PolicyApply.fetchOne(db, key: apply.id!)
        else {
            return .held(apply.leaseHolder, apply)
        }
        return .claimed(claimed)
    }
}
