import Foundation

/// Small facts about the registry itself (the audit head, the revision), kept as key/value rows.
enum RegistryInfo {
    static let tableName = "registryInfo"
    static let revisionKey = "revision"

    static let bumpSQL = """
        INSERT INTO registryInfo(key, value) VALUES ('revision', '1')
        ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(registryInfo.value AS BIGINT) + 1 AS TEXT)
        """
    static let bumpReturningSQL = bumpSQL + " RETURNING value"
    static let notifySQL = "SELECT pg_notify(?, ?)"
    static let valueSQL = "SELECT value FROM registryInfo WHERE key = ?"
    static let setSQL = "INSERT INTO registryInfo(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"

    static func bumpRevision(_ transaction: StoreTransaction) throws {
        guard transaction.dialect == .postgres else {
            try transaction.execute(bumpSQL)
            return
        }
        // Consoles on other hosts hear of it the moment this commits (`PostgresChangeListener`).
        guard let revision = try transaction.string(bumpReturningSQL) else { return }
        try transaction.execute(notifySQL, PostgresChangeListener.channel, revision)
    }

    /// The registry's revision as the transaction sees it (0 before the first change).
    static func revision(_ transaction: StoreTransaction) throws -> Int64 {
        try value(transaction, key: revisionKey).flatMap { Int64($0) } ?? 0
    }

    static func value(_ transaction: StoreTransaction, key: String) throws -> String? {
        try transaction.string(valueSQL, key)
    }

    static func set(_ transaction: StoreTransaction, key: String, value: String) throws {
        try transaction.execute(setSQL, key, value)
    }
}
