import Foundation
import GRDB

/// The lease operations as the areas still written against GRDB call them (policy applies, their tests); the
/// lead removes these once every caller holds a `StoreTransaction`.
extension Registry {
    // legacy shim
    static func claimLease(
        _ db: Database, _ record: LeasedRecord, expectedOwner: String?, owner: String, holder: LeaseHolder, until: Date
    ) throws -> Bool {
        try claimLease(SQLiteTransaction(db), record, expectedOwner: expectedOwner, owner: owner, holder: holder, until: until)
    }

    // legacy shim
    static func renewLease(_ db: Database, _ record: LeasedRecord, owner: String, until: Date) throws -> Bool {
        try renewLease(SQLiteTransaction(db), record, owner: owner, until: until)
    }
}
