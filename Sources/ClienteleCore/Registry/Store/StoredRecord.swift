/// A registry row type: its table, its columns in the order it reads them, and how it is read and written, in
/// GRDB's record style but over either engine. `id` is always the first column; the store assigns it on insert.
protocol StoredRecord {
    static var table: String { get }
    /// Every column, `id` first, in the order `init(row:)` reads and `storedValues` lists them.
    static var columns: [String] { get }

    init(row: StoreRow) throws
    /// The values of every column after `id`, in `columns` order.
    var storedValues: [StoreValue] { get throws }
    var id: Int64? { get set }
}

extension StoredRecord {
    /// `id, name, …` for a SELECT list, optionally qualified with a table alias.
    static func selection(as alias: String? = nil) -> String {
        guard let alias else { return columns.joined(separator: ", ") }
        return columns.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    static var insertSQL: String {
        let written = columns.dropFirst()
        return "INSERT INTO \(table)(\(written.joined(separator: ", "))) VALUES (\(written.map { _ in "?" }.joined(separator: ", "))) RETURNING id"
    }

    static var updateSQL: String {
        "UPDATE \(table) SET \(columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
    }
}

extension StoreTransaction {
    /// Inserts `record` and sets its id.
    func insert<R: StoredRecord>(_ record: inout R) throws {
        record.id = try insertReturningId(R.insertSQL, try record.storedValues)
    }

    /// Writes every column of `record` by id; answers whether the row existed.
    @discardableResult
    func update<R: StoredRecord>(_ record: R) throws -> Bool {
        guard let id = record.id else { return false }
        return try execute(R.updateSQL, try record.storedValues + [.integer(id)]) == 1
    }

    @discardableResult
    func delete<R: StoredRecord>(_ type: R.Type, id: Int64) throws -> Bool {
        try execute("DELETE FROM \(R.table) WHERE id = ?", [.integer(id)]) == 1
    }

    /// Rows of `R` matching `clause` (everything after FROM's table: `WHERE …`, `ORDER BY …`).
    func records<R: StoredRecord>(_ type: R.Type, _ clause: String = "", _ arguments: [StoreValue] = []) throws -> [R] {
        try fetchAll("SELECT \(R.selection()) FROM \(R.table) \(clause)", arguments, R.init(row:))
    }

    func record<R: StoredRecord>(_ type: R.Type, _ clause: String, _ arguments: [StoreValue] = []) throws -> R? {
        try fetchOne("SELECT \(R.selection()) FROM \(R.table) \(clause)", arguments, R.init(row:))
    }

    func record<R: StoredRecord>(_ type: R.Type, id: Int64) throws -> R? {
        try record(R.self, "WHERE id = ?", [.integer(id)])
    }

    func count(_ table: String, _ clause: String = "", _ arguments: [StoreValue] = []) throws -> Int {
        Int(try fetchOne("SELECT count(*) FROM \(table) \(clause)", arguments) { try $0.int64(0) } ?? 0)
    }
}
