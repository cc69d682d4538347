import Foundation
import GRDB

/// Writes an apply's progress, each change fenced by its lease in the same transaction, with its audit event:
/// a process that lost the lease writes nothing. A step's progress writes only that step's row.
struct PolicyApplyJournal: Sendable {
    let registry: Registry
    let lease: FencedLease
    let environment: Environment
    let gateway: Gateway

    var applyId: Int64 { lease.record.id }

    /// Changes the apply itself (state, last error, what was applied), never its steps.
    @discardableResult
    func record(
        action: String? = nil, details: [String: String] = [:],
        _ change: @escaping @Sendable (inout PolicyApply) throws -> Void
    ) throws -> PolicyApply {
        try fenced(action: action, details: details) { db in
            guard var apply = try PolicyApply.fetchOne(db, key: self.applyId) else {
                throw ClienteleError.notFound("no \(self.lease.record)")
            }
            try change(&apply)
            apply.updatedAt = self.registry.clock.now
            try apply.update(db)
            return apply
        }
    }

    /// Records how far one step got (and, when it is done, its audit event).
    func mark(step position: Int, _ state: RecordedStep.State, remoteId: String? = nil, action: String? = nil,
              details: [String: String] = [:]) throws
    {
        let applyId = self.applyId
        _ = try fenced(action: action, details: details) { db in
            try db.execute(
                sql: "UPDATE policyApplyStep SET state = ?, remoteId = coalesce(?, remoteId) WHERE applyId = ? AND position = ?",
                arguments: [state.rawValue, remoteId, applyId, position])
            return ()
        }
    }

    /// Replaces the steps still to do (a resumed apply, planned afresh).
    func replaceSteps(_ steps: [RecordedStep], action: String?, details: [String: String]) throws {
        let applyId = self.applyId
        _ = try fenced(action: action, details: details) { db in
            try Registry.replaceSteps(db, of: applyId, with: steps)
            return ()
        }
    }

    private func fenced<T: Sendable>(
        action: String?, details: [String: String], _ body: @escaping @Sendable (Database) throws -> T
    ) throws -> T {
        let now = registry.clock.now
        let record = lease.record
        let owner = lease.owner
        let until = lease.renewedUntil
        let environmentName = environment.name
        let gatewayName = gateway.name
        let written: T? = try registry.sqliteWrite { db in
            // The compare-and-set that fences the write: extending our own lease succeeds only while we hold it.
            guard try Registry.renewLease(db, record, owner: owner, until: until) else { return nil }
            let result = try body(db)
            if let action {
                let actor = try String.fetchOne(db, sql: "SELECT actor FROM policyApply WHERE id = ?",
                                                arguments: [record.id]) ?? ""
                var all = details
                all["gateway"] = gatewayName
                all["apply"] = String(record.id)
                try AuditTrail.append(db, at: now, actor: actor, action: action,
                                      subject: "environment \(environmentName)", details: all)
            }
            return result
        }
        guard let written else { throw lease.markLost() }
        return written
    }
}
