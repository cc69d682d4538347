import Foundation
import GRDB

/// A store transaction on the SQLite file, through GRDB: statements are cached per connection and rows read by
/// position from GRDB's cursor, which reuses one row buffer.
final class SQLiteTransaction: StoreTransaction {
    let db: Database
    var dialect: StoreDialect { .sqlite }
    /// A SQLite file has no login: whoever can open it writes as the actor they name.
    var sessionUser: String? { nil }

    init(_ db: Database) { self.db = db }

    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func scanRows(_ sql: String, _ arguments: [StoreValue], while body: (StoreRow) throws -> Bool) throws {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try cursor.next() {
            if try !body(StoreRow(sqlite: row, statement: statement.sqliteStatement)) { break }
        }
    }

    static func arguments(_ values: [StoreValue]) -> StatementArguments {
        StatementArguments(values.map(databaseValue))
    }

    private static func databaseValue(_ value: StoreValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .real(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .boolean(let flag): return flag.databaseValue
        // The text GRDB writes for a Date, which the registry's existing rows hold and its indexes order by.
        case .date(let date): return Timestamp.databaseText(date).databaseValue
        case .blob(let data): return data.databaseValue
        }
    }
}

extension StoreTransaction {
    /// GRDB's handle under a SQLite transaction, for the operations not yet moved onto `StoreTransaction`. It
    /// traps on PostgreSQL: every use goes before that engine is offered.
    var legacyDatabase: Database {
        guard let sqlite = self as? SQLiteTransaction else {
            preconditionFailure("a store operation still written against GRDB ran on PostgreSQL")
        }
        return sqlite.db
    }
}
