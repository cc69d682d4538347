import Foundation
import GRDB

/// Writes an apply's progress, each change fenced by its lease in the same transaction, with its audit event:
/// a process that lost the lease writes nothing.
struct PolicyApplyJournal: Sendable {
    let registry: Registry
    let lease: FencedLease
    let environment: Environment
    let gateway: Gateway

    var applyId: Int64 { lease.record.id }

    @discardableResult
    func record(
        action: String? = nil, details: [String: String] = [:],
        _ change: @escaping @Sendable (inout PolicyApply) throws -> Void
    ) throws -> PolicyApply {
        let now = registry.clock.now
        let record = lease.record
        let owner = lease.owner
        let until = lease.renewedUntil
        let environmentName = environment.name
        let gatewayName = gateway.name
        let written: PolicyApply? = try registry.write { db in
            guard try Registry.renewLease(db, record, owner: owner, until: until) else { return nil }
            guard var apply = try PolicyApply.fetchOne(db, key: record.id) else {
                throw ClienteleError.notFound("no \(record)")
            }
            try change(&apply)
            apply.updatedAt = now
            try apply.update(db)
            if let action {
                var all = details
                all["gateway"] = gatewayName
                all["apply"] = String(record.id)
                try AuditTrail.append(db, at: now, actor: apply.actor, action: action,
                                      subject: "environment \(environmentName)", details: all)
            }
            return apply
        }
        guard let written else { throw lease.markLost() }
        return written
    }
}
