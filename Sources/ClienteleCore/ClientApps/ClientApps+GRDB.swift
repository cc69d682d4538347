import GRDB

// What the client-app area still offers code written against GRDB (other areas, the record tests). It goes when
// every area runs on `StoreTransaction`.

extension GatewayApp: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "gatewayApp"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
