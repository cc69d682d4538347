import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO
import Synchronization

/// The statements every write runs (the writers' lock, the audit event and its head, the revision and its
/// notification) and every console poll runs (the revision): prepared once per session and from then on only
/// bound and run, rather than parsed and planned each time. Store operations pass their SQL as ever;
/// `PostgresTransaction` looks the text up here. Everything else goes through PostgresNIO's unnamed statements
/// (bound parameters, one round trip), which suit SQL that varies.
///
/// PostgresNIO's newer prepared statements (`PostgresPreparedStatement`) are async only; the registry's operations
/// are synchronous and wait on futures, and waiting on a task from a cooperative thread can starve the pool (it
/// hung on two cores here). So these use its future-based `prepare(query:)`. Each statement returns rows (an
/// insert its one `RETURNING 1`), so the rows' count is the count `execute` reports.
final class PostgresHotStatements: Sendable {
    /// The SQL texts, as store operations pass them (`?` placeholders).
    static let texts: Set<String> = [
        PostgresRegistryConnection.writersLockSQL, RegistryInfo.valueSQL, RegistryInfo.setSQL,
        RegistryInfo.bumpReturningSQL, RegistryInfo.notifySQL, AuditTrail.insertSQL,
    ]

    private let connection: PostgresConnection
    private let prepared = Mutex<[String: PreparedQuery]>([:])

    /// For one session: prepared statements live as long as the connection they were prepared on.
    init(_ connection: PostgresConnection) { self.connection = connection }

    /// The rows of `sql` run as a prepared statement, or nil when it is not one of these.
    func rows(_ sql: String, _ arguments: [StoreValue]) throws -> [PostgresRow]? {
        guard Self.texts.contains(sql) else { return nil }
        let statement = try prepared.withLock { $0[sql] } ?? prepare(sql)
        return try statement.execute(arguments.map(Self.data)).wait()
    }

    private func prepare(_ sql: String) throws -> PreparedQuery {
        var text = StoreDialect.postgres.prepared(sql)
        if text.hasPrefix("INSERT"), !text.contains("RETURNING") { text += " RETURNING 1" }
        let statement = try connection.prepare(query: text).wait()
        prepared.withLock { $0[sql] = statement }
        return statement
    }

    private static func data(_ value: StoreValue) -> PostgresData {
        switch value {
        case .null: return .null
        case .integer(let number): return PostgresData(int64: number)
        case .real(let number): return PostgresData(double: number)
        case .text(let text): return PostgresData(string: text)
        case .boolean(let flag): return PostgresData(bool: flag)
        case .date(let date): return PostgresData(date: date)
        case .blob(let data): return PostgresData(bytes: data)
        }
    }
}
