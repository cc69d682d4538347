import Foundation
import GRDB

/// The lease columns every long operation's table carries (`leaseOwner`, `leaseUntil`, `leaseHolder`), read and
/// written the same way for rotations and policy applies.
extension Registry {
    /// Takes the lease for `owner` when it is still held by `expectedOwner` (the owner the caller read): a
    /// compare-and-set, so two claimers never both win, whatever the engine's isolation.
    static func claimLease(
        _ db: Database, _ record: LeasedRecord, expectedOwner: String?, owner: String, holder: LeaseHolder,
        until: Date
    ) throws -> Bool {
        let holderJSON = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        try db.execute(
            sql: """
                UPDATE \(record.table) SET leaseOwner = ?, leaseUntil = ?, leaseHolder = ?
                WHERE id = ? AND leaseOwner IS ?
                """, arguments: [owner, until, holderJSON, record.id, expectedOwner])
        return db.changesCount == 1
    }

    /// Whether a lease read as (`owner`, `until`, `holder`) keeps `claimer` out at `now`.
    static func leaseKeepsOut(
        claimer: String, owner: String?, until: Date?, holder: LeaseHolder?, now: Date,
        mayTakeOver: (LeaseHolder?) -> Bool
    ) -> Bool {
        guard let owner, owner != claimer, let until, until > now else { return false }
        return !mayTakeOver(holder)
    }

    /// Extends `owner`'s lease; false when another process holds it now.
    func renewLease(_ record: LeasedRecord, owner: String, until: Date) throws -> Bool {
        try sqliteWrite(bumpingRevision: false) { db in try Self.renewLease(db, record, owner: owner, until: until) }
    }

    /// The fence under every write of a leased operation: extends `owner`'s lease inside the caller's transaction,
    /// or answers false (and the caller writes nothing) when `owner` no longer holds it.
    static func renewLease(_ db: Database, _ record: LeasedRecord, owner: String, until: Date) throws -> Bool {
        try db.execute(sql: "UPDATE \(record.table) SET leaseUntil = ? WHERE id = ? AND leaseOwner = ?",
                       arguments: [until, record.id, owner])
        return db.changesCount == 1
    }

    func releaseLease(_ record: LeasedRecord, owner: String) throws {
        try sqliteWrite(bumpingRevision: false) { db in
            try db.execute(
                sql: """
                    UPDATE \(record.table) SET leaseOwner = NULL, leaseUntil = NULL, leaseHolder = NULL
                    WHERE id = ? AND leaseOwner = ?
                    """, arguments: [record.id, owner])
        }
    }

    func leaseHolder(_ record: LeasedRecord) throws -> LeaseHolder? {
        try sqliteRead { db in
            guard let text = try String.fetchOne(
                db, sql: "SELECT leaseHolder FROM \(record.table) WHERE id = ?", arguments: [record.id])
            else { return nil }
            return try? JSONDecoder().decode(LeaseHolder.self, from: Data(text.utf8))
        }
    }
}
