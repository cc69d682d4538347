import Foundation

/// The lease columns every long operation's table carries (`leaseOwner`, `leaseUntil`, `leaseHolder`), read and
/// written the same way for rotations and policy applies. Every time written to or compared with `leaseUntil` is
/// the registry's lease time (`StoreTransaction.leaseTime`), never a process's own clock.
extension Registry {
    /// Takes the lease for `owner` for one `term` when it is still held by `expectedOwner` (the owner the caller
    /// read): a compare-and-set, so two claimers never both win, whatever the engine's isolation. Under PostgreSQL's
    /// READ COMMITTED the second claimer's UPDATE waits for the first's row lock and then re-checks the owner it
    /// finds, so it changes nothing.
    static func claimLease(
        _ transaction: StoreTransaction, _ record: LeasedRecord, expectedOwner: String?, owner: String,
        holder: LeaseHolder, term: LeaseTerm
    ) throws -> Bool {
        let until = try transaction.leaseTime() + term.duration
        // `IS NOT DISTINCT FROM`: a free lease's owner is NULL, which `=` never matches.
        return try transaction.execute(
            """
            UPDATE \(record.table) SET leaseOwner = ?, leaseUntil = ?, leaseHolder = ?
            WHERE id = ? AND leaseOwner IS NOT DISTINCT FROM ?
            """, [.text(owner), .date(until), try StoredJSON.value(holder), .integer(record.id), expectedOwner.storeValue]
        ) == 1
    }

    /// Whether a lease read as (`owner`, `until`, `holder`) keeps `claimer` out at `now` (the lease time).
    static func leaseKeepsOut(
        claimer: String, owner: String?, until: Date?, holder: LeaseHolder?, now: Date,
        mayTakeOver: (LeaseHolder?) -> Bool
    ) -> Bool {
        guard let owner, owner != claimer, let until, until > now else { return false }
        return !mayTakeOver(holder)
    }

    /// Extends `owner`'s lease by a `term` from now; false when another process holds it now.
    func renewLease(_ record: LeasedRecord, owner: String, term: LeaseTerm) throws -> Bool {
        try leaseWrite { transaction in
            try Self.renewLease(transaction, record, owner: owner, term: term)
        }
    }

    /// The fence under every write of a leased operation: extends `owner`'s lease inside the caller's transaction,
    /// or answers false (and the caller writes nothing) when `owner` no longer holds it.
    static func renewLease(_ transaction: StoreTransaction, _ record: LeasedRecord, owner: String, term: LeaseTerm)
        throws -> Bool
    {
        let until = try transaction.leaseTime() + term.duration
        return try transaction.execute(
            "UPDATE \(record.table) SET leaseUntil = ? WHERE id = ? AND leaseOwner = ?", until, record.id, owner) == 1
    }

    func releaseLease(_ record: LeasedRecord, owner: String) throws {
        try leaseWrite { transaction in
            try transaction.execute(
                """
                UPDATE \(record.table) SET leaseOwner = NULL, leaseUntil = NULL, leaseHolder = NULL
                WHERE id = ? AND leaseOwner = ?
                """, record.id, owner)
        }
    }

    func leaseHolder(_ record: LeasedRecord) throws -> LeaseHolder? {
        try read { transaction in
            guard let text = try transaction.string("SELECT leaseHolder FROM \(record.table) WHERE id = ?", record.id)
            else { return nil }
            return try? StoredJSON.decode(LeaseHolder.self, from: text)
        }
    }
}
