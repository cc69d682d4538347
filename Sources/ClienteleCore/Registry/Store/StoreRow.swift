import Foundation
import GRDB
import GRDBSQLite
import PostgresNIO

/// One result row, read by column position (the order of the statement's SELECT list) on either engine: reading
/// by position skips a name lookup per value, which the 100k-row console load and the expiry report notice.
struct StoreRow {
    private enum Source {
        case sqlite(Row)
        case postgres(PostgresRandomAccessRow)
    }

    private let source: Source
    /// The statement `row` steps over, for `lentUTF8`: GRDB lends a column's bytes only wrapped in a Data, which
    /// allocates per value.
    private let sqliteStatement: SQLiteStatement?

    init(sqlite row: Row, statement: SQLiteStatement) {
        source = .sqlite(row)
        sqliteStatement = statement
    }

    init(postgres row: PostgresRow) {
        source = .postgres(row.makeRandomAccess())
        sqliteStatement = nil
    }

    var count: Int {
        switch source {
        case .sqlite(let row): return row.count
        case .postgres(let row): return row.count
        }
    }

    func isNull(_ index: Int) -> Bool {
        switch source {
        case .sqlite(let row): return row.hasNull(atIndex: index)
        case .postgres(let row): return row[index].bytes == nil
        }
    }

    func int64(_ index: Int) throws -> Int64 {
        try required(optionalInt64(index), index)
    }

    func optionalInt64(_ index: Int) throws -> Int64? {
        switch source {
        case .sqlite(let row): return row[index]
        case .postgres(let row): return try Self.decode(row, index, Int64.self)
        }
    }

    func int(_ index: Int) throws -> Int { Int(try int64(index)) }
    func optionalInt(_ index: Int) throws -> Int? { try optionalInt64(index).map { Int($0) } }

    func double(_ index: Int) throws -> Double { try required(optionalDouble(index), index) }

    func optionalDouble(_ index: Int) throws -> Double? {
        switch source {
        case .sqlite(let row): return row[index]
        case .postgres(let row): return try Self.decode(row, index, Double.self)
        }
    }

    func string(_ index: Int) throws -> String { try required(optionalString(index), index) }

    func optionalString(_ index: Int) throws -> String? {
        switch source {
        case .sqlite(let row): return row[index]
        case .postgres(let row): return try Self.decode(row, index, String.self)
        }
    }

    func bool(_ index: Int) throws -> Bool { try required(optionalBool(index), index) }

    func optionalBool(_ index: Int) throws -> Bool? {
        switch source {
        case .sqlite(let row): return row[index]
        case .postgres(let row): return try Self.decode(row, index, Bool.self)
        }
    }

    func date(_ index: Int) throws -> Date { try required(optionalDate(index), index) }

    func optionalDate(_ index: Int) throws -> Date? {
        switch source {
        case .sqlite(let row): return try row.storedDate(atIndex: index)
        case .postgres(let row): return try Self.decode(row, index, Date.self)
        }
    }

    func data(_ index: Int) throws -> Data { try required(optionalData(index), index) }

    func optionalData(_ index: Int) throws -> Data? {
        switch source {
        case .sqlite(let row): return row[index]
        case .postgres(let row):
            guard var bytes = row[index].bytes else { return nil }
            return bytes.readData(length: bytes.readableBytes)
        }
    }

    /// A text column's UTF-8 bytes as the engine holds them, without a copy; nil for NULL. Lent until the scan
    /// moves to the next row: for writers that only copy bytes (`client list --json` over 100k clients), where a
    /// String per column cost a third of the run.
    func lentUTF8(_ index: Int) -> UnsafeRawBufferPointer? {
        switch source {
        case .sqlite:
            // Text before its length: sqlite3_column_bytes after sqlite3_column_text measures the UTF-8 form.
            guard let statement = sqliteStatement, let pointer = sqlite3_column_text(statement, Int32(index)) else {
                return nil
            }
            return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, Int32(index))))
        case .postgres(let row):
            // The row holds the cell's storage for as long as the scan is on it.
            return row[index].bytes?.withUnsafeReadableBytes { $0 }
        }
    }

    /// A stored raw value (a state, a kind) as its enum; an unknown one names the column and the text.
    func value<T: RawRepresentable>(_ index: Int, as type: T.Type) throws -> T where T.RawValue == String {
        let text = try string(index)
        guard let value = T(rawValue: text) else { throw StoreRowError.unexpected(column: index, text: text) }
        return value
    }

    func optionalValue<T: RawRepresentable>(_ index: Int, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try optionalString(index) else { return nil }
        guard let value = T(rawValue: text) else { throw StoreRowError.unexpected(column: index, text: text) }
        return value
    }

    private func required<T>(_ value: T?, _ index: Int) throws -> T {
        guard let value else { throw StoreRowError.null(column: index) }
        return value
    }

    private static func decode<T: PostgresDecodable>(
        _ row: PostgresRandomAccessRow, _ index: Int, _ type: T.Type
    ) throws -> T? {
        let cell = row[index]
        if cell.bytes == nil { return nil }
        return try cell.decode(T.self, context: .default)
    }
}

enum StoreRowError: Error, CustomStringConvertible {
    case null(column: Int)
    case unexpected(column: Int, text: String)

    var description: String {
        switch self {
        case .null(let column): return "column \(column) is unexpectedly empty"
        case .unexpected(let column, let text): return "column \(column) holds an unknown value '\(text)'"
        }
    }
}
