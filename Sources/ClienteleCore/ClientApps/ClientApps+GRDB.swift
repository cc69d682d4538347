import GRDB

// What the client-app area still offers code written against GRDB (other areas, the record tests). It goes when
// every area runs on `StoreTransaction`.

extension GatewayApp: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "gatewayApp"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Registry {
    // legacy shim
    static func linkedClientIds(_ db: Database, gatewayId: Int64) throws -> [String: String] {
        try linkedClientIds(SQLiteTransaction(db), gatewayId: gatewayId)
    }

    // legacy shim
    static func gatewayApps(_ db: Database, ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        try gatewayApps(SQLiteTransaction(db), ofClient: clientRowId)
    }

    // legacy shim
    static func access(_ db: Database, ofClient clientRowId: Int64) throws -> [ClientAPIAccess] {
        try access(SQLiteTransaction(db), ofClient: clientRowId)
    }
}
