import Foundation
import GRDB

/// Small facts about the registry itself (the audit head), kept as key/value rows.
enum RegistryInfo {
    static let tableName = "registryInfo"
    static let revisionKey = "revision"

    static func bumpRevision(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO registryInfo(key, value) VALUES ('revision', '1')
                ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
                """)
    }

    static func value(_ db: Database, key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM registryInfo WHERE key = ?", arguments: [key])
    }

    static func set(_ db: Database, key: String, value: String) throws {
        try db.execute(
            sql: "INSERT INTO registryInfo(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }
}
