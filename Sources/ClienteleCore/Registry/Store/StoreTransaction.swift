import Foundation

/// One open transaction on the registry's engine, SQLite or PostgreSQL: every store operation is written against
/// it, so the two engines share one set of operations. Only the registry holds one; services call the registry's
/// named operations instead.
protocol StoreTransaction: AnyObject {
    var dialect: StoreDialect { get }
    /// The database login the transaction runs as (PostgreSQL's `session_user`), which audit events record beside
    /// the actor anyone can type; nil where the engine has none.
    var sessionUser: String? { get }

    /// Runs one statement and answers how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int

    /// Runs one query and hands each row to `body` in order, until `body` answers false.
    func scanRows(_ sql: String, _ arguments: [StoreValue], while body: (StoreRow) throws -> Bool) throws

    /// Runs each statement in order, none needing an earlier one's answer (a client's memberships and secrets).
    /// PostgreSQL sends them all before waiting: one round trip instead of one each, which is most of what a bulk
    /// write costs there. The first failure is thrown (later statements fail with it, in the same transaction).
    func executeEach(_ statements: [(sql: String, arguments: [StoreValue])]) throws
}

extension StoreTransaction {
    @discardableResult
    func execute(_ sql: String, _ arguments: StoreValueConvertible...) throws -> Int {
        try execute(sql, arguments.map(\.storeValue))
    }

    /// One statement after the other: an embedded engine has no round trips to save.
    func executeEach(_ statements: [(sql: String, arguments: [StoreValue])]) throws {
        for statement in statements { try execute(statement.sql, statement.arguments) }
    }

    /// Runs one query and hands each row to `body` in order.
    func forEachRow(_ sql: String, _ arguments: [StoreValue], _ body: (StoreRow) throws -> Void) throws {
        try scanRows(sql, arguments) { row in
            try body(row)
            return true
        }
    }

    func fetchAll<T>(_ sql: String, _ arguments: [StoreValue] = [], _ decode: (StoreRow) throws -> T) throws -> [T] {
        var values: [T] = []
        try forEachRow(sql, arguments) { values.append(try decode($0)) }
        return values
    }

    /// The first row's value, or nil when the query answers no row.
    func fetchOne<T>(_ sql: String, _ arguments: [StoreValue] = [], _ decode: (StoreRow) throws -> T) throws -> T? {
        var value: T?
        try scanRows(sql, arguments) { row in
            value = try decode(row)
            return false
        }
        return value
    }

    /// The first column of the first row as an integer (a count, a max, a returned id); nil for no row or NULL.
    func int64(_ sql: String, _ arguments: StoreValueConvertible...) throws -> Int64? {
        try fetchOne(sql, arguments.map(\.storeValue)) { try $0.optionalInt64(0) } ?? nil
    }

    func string(_ sql: String, _ arguments: StoreValueConvertible...) throws -> String? {
        try fetchOne(sql, arguments.map(\.storeValue)) { try $0.optionalString(0) } ?? nil
    }

    func strings(_ sql: String, _ arguments: StoreValueConvertible...) throws -> [String] {
        try fetchAll(sql, arguments.map(\.storeValue)) { try $0.string(0) }
    }

    func int64s(_ sql: String, _ arguments: StoreValueConvertible...) throws -> [Int64] {
        try fetchAll(sql, arguments.map(\.storeValue)) { try $0.int64(0) }
    }

    /// Runs an `INSERT … RETURNING id` and answers the new row's id.
    func insertReturningId(_ sql: String, _ arguments: [StoreValue]) throws -> Int64 {
        guard let id = try fetchOne(sql, arguments, { try $0.int64(0) }) else {
            throw StoreRowError.null(column: 0)
        }
        return id
    }
}
