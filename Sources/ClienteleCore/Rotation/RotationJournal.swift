import Foundation
import GRDB

/// Writes a rotation's progress: each change in one transaction with its audit event and the secret metadata it
/// implies, and each one fenced by the lease, so a process that lost its lease writes nothing.
struct RotationJournal: Sendable {
    let registry: Registry
    let lease: FencedLease

    var rotationId: Int64 { lease.rotationId }

    /// Changes the rotation; with `action`, also appends an audit event whose details `change` returns, and runs
    /// `also` (secret metadata) in the same transaction. Throws `LeaseLost`, having written nothing, when
    /// another process holds the lease.
    @discardableResult
    func record(
        action: String? = nil, actor: String = "",
        _ change: @escaping @Sendable (inout Rotation, Date) throws -> [String: String]?,
        also: (@Sendable (Database, Date) throws -> Void)? = nil
    ) throws -> Rotation {
        let now = registry.clock.now
        let rotationId = self.rotationId
        let owner = lease.owner
        let leaseUntil = lease.renewedUntil
        let written: Rotation? = try registry.sqliteWrite { db in
            // The compare-and-set that fences the write: extending our own lease succeeds only while we hold it.
            guard try Registry.renewLease(db, .rotation(rotationId), owner: owner, until: leaseUntil) else { return nil }
            guard var rotation = try Rotation.fetchOne(db, key: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            let details = try change(&rotation, now)
            rotation.updatedAt = now
            try rotation.update(db)
            try also?(db, now)
            if let action {
                let client = try Client.fetchOne(db, key: rotation.clientRowId)!
                var allDetails = details ?? [:]
                allDetails["rotation"] = String(rotationId)
                try AuditTrail.append(db, at: now, actor: actor.isEmpty ? rotation.actor : actor, action: action,
                                      client: client, details: allDetails)
            }
            return rotation
        }
        guard let written else { throw lease.markLost() }
        return written
    }

    /// Changes the rotation without an audit event (the step under way, the last error).
    func note(_ change: @escaping @Sendable (inout Rotation, Date) throws -> Void) throws {
        try record(action: nil) { rotation, now in
            try change(&rotation, now)
            return nil
        }
    }
}
