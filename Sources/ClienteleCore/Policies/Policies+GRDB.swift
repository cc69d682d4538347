import GRDB

// What the policy area still offers code written against GRDB (other areas, the record tests). It goes when
// every area runs on `StoreTransaction`.

extension PolicyAssignment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "policyAssignment"
    public static let environment = belongsTo(Environment.self)

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PolicyApply: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "policyApply"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
