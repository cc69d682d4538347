import Foundation
import GRDB

/// What claiming an environment's apply found.
enum PolicyApplyClaim: Sendable {
    case claimed(PolicyApply)
    case held(LeaseHolder?, PolicyApply)
}

extension Registry {
    /// The environment's apply in progress, if one is.
    public func openPolicyApply(environmentId: Int64) throws -> PolicyApply? {
        try read { db in
            try PolicyApply.filter(Column("environmentId") == environmentId && Column("state") == PolicyApply.State.running.rawValue)
                .fetchOne(db)
        }
    }

    /// Applies most recent first, for `policy applies` and the console.
    public func policyApplies(limit: Int = 50) throws -> [PolicyApply] {
        try read { db in try PolicyApply.order(Column("id").desc).limit(limit).fetchAll(db) }
    }

    /// Records a new apply with its steps, leased to `owner`, with its audit event; or, when the environment already
    /// has one in progress, claims that one instead (it must finish first: its steps were planned against the
    /// gateway as it was).
    func startPolicyApply(
        environment: Environment, gateway: Gateway, steps: [GatewayStep], actor: String, owner: String,
        holder: LeaseHolder, until: Date, mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> (PolicyApplyClaim, resumed: Bool) {
        let now = clock.now
        return try write { db in
            if let open = try PolicyApply.filter(
                Column("environmentId") == environment.id! && Column("state") == PolicyApply.State.running.rawValue
            ).fetchOne(db) {
                return (try Self.claimPolicyApply(db, open, owner: owner, holder: holder, now: now, until: until,
                                                  mayTakeOver: mayTakeOver), true)
            }
            var apply = PolicyApply(
                environmentId: environment.id!, gatewayId: gateway.id!, steps: steps.map { RecordedStep(step: $0) },
                state: .running, actor: actor, leaseOwner: owner, leaseUntil: until, leaseHolder: holder,
                createdAt: now, updatedAt: now)
            try apply.insert(db)
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
