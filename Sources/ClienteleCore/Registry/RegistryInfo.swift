import Foundation

/// Small facts about the registry itself (the audit head, the revision), kept as key/value rows.
enum RegistryInfo {
    static let tableName = "registryInfo"
    static let revisionKey = "revision"

    static func bumpRevision(_ transaction: StoreTransaction) throws {
        try transaction.execute("""
            INSERT INTO registryInfo(key, value) VALUES ('revision', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(registryInfo.value AS BIGINT) + 1 AS TEXT)
            """)
    }

    static func value(_ transaction: StoreTransaction, key: String) throws -> String? {
        try transaction.string("SELECT value FROM registryInfo WHERE key = ?", key)
    }

    static func set(_ transaction: StoreTransaction, key: String, value: String) throws {
        try transaction.execute(
            "INSERT INTO registryInfo(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            key, value)
    }
}
