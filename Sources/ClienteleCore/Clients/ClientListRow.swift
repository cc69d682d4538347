import Foundation
import GRDB
import GRDBSQLite

/// One row of a client list as SQLite's own bytes, lent for the length of one call of the body given to
/// `Registry.forEachClientListRow`: at 100k clients, making a String of every column, an array of every
/// environments list and a `ClientSummary` of every row cost a third of `client list --json`, when a JSON writer
/// only copies bytes. Text is UTF-8 as the registry stores it; never keep a buffer past the call.
public struct ClientListRow {
    fileprivate let statement: SQLiteStatement

    public var id: Int64 { sqlite3_column_int64(statement, 0) }
    public var displayName: UnsafeRawBufferPointer { text(1) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var clientId: UnsafeRawBufferPointer { text(2) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var ownerTeam: UnsafeRawBufferPointer? { text(3) }
    public var identityProvider: UnsafeRawBufferPointer { text(4) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var activeSecrets: Int { Int(sqlite3_column_int64(statement, 6)) }

    /// The client's environment names, in display order, each handed to `body` in turn.
    public func forEachEnvironment(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard let joined = text(5) else { return }
        var start = 0
        // Empty pieces skipped, as `split(separator:)` in `clients(matching:)` skips them.
        for index in 0...joined.count where index == joined.count || joined[index] == Registry.environmentSeparator {
            if index > start { try body(UnsafeRawBufferPointer(rebasing: joined[start..<index])) }
            start = index + 1
        }
    }

    /// The soonest expiry among secrets in service; nil when none expires.
    public var nextExpiry: Date? {
        guard let bytes = text(7) else { return nil }
        if let date = StoredDate.parse(bytes) { return date }
        // Another stored form (no fraction, a julian day): GRDB's own reading, as `clients(matching:)` does.
        return Date.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: 7))
    }

    private func text(_ column: Int32) -> UnsafeRawBufferPointer? {
        // Text before its length: sqlite3_column_bytes after sqlite3_column_text measures the UTF-8 form.
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column)))
    }
}

extension Registry {
    /// What `clientSummarySQL` joins a client's environment names with (char(31)).
    static let environmentSeparator = UInt8(0x1F)

    /// The clients `clients(matching:limit:)` would return, in the same order, each lent to `body` as it is read.
    public func forEachClientListRow(
        matching filter: ClientFilter = ClientFilter(), limit: Int? = nil, _ body: (ClientListRow) throws -> Void
    ) throws {
        try sqliteRead { db in
            let (sql, arguments) = try Self.clientSummaryQuery(db, matching: filter, limit: limit)
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(arguments)
            let row = ClientListRow(statement: statement.sqliteStatement)
            while true {
                switch sqlite3_step(statement.sqliteStatement) {
                case SQLITE_ROW: try body(row)
                case SQLITE_DONE: return
                case let code:
                    throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
                }
            }
        }
    }
}
