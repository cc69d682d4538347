import GRDB

// What the gateway area still offers code written against GRDB (other areas, the record tests). It goes when
// every area runs on `StoreTransaction`.

extension Gateway: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "gateway"
    public static let environments = hasMany(Environment.self)

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension GatewayAPIRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "gatewayApi"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
