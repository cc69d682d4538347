import GRDB

/// GRDB forms of the clients area's store operations, for the areas still written against GRDB; they go once
/// every caller takes a `StoreTransaction`.
extension Registry {
    static func environment(_ db: Database, named name: String) throws -> Environment { // legacy shim
        try environment(SQLiteTransaction(db), named: name)
    }

    static func resolveClient(_ db: Database, _ reference: String) throws -> Client { // legacy shim
        try resolveClient(SQLiteTransaction(db), reference)
    }
}
