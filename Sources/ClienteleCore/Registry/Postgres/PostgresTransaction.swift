import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A store transaction on a PostgreSQL connection. Statements go through the extended protocol with bound
/// parameters, never text spliced into SQL. The registry's operations are synchronous, so each statement waits
/// for its answer on the calling thread; the connection's own I/O runs on NIO's event loop.
final class PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let sessionUser: String?
    var dialect: StoreDialect { .postgres }

    /// The session's prepared statements; nil for the statements a session runs before it is set up.
    let hot: PostgresHotStatements?

    init(_ connection: PostgresConnection, logger: Logger, sessionUser: String?, hot: PostgresHotStatements? = nil) {
        self.connection = connection
        self.logger = logger
        self.sessionUser = sessionUser
        self.hot = hot
    }

    func execute(_ sql: String, _ arguments: [StoreValue]) throws -> Int {
        if let rows = try hot?.rows(sql, arguments) { return rows.count }
        return try connection.query(try Self.query(sql, arguments), logger: logger).wait().metadata.rows ?? 0
    }

    func executeEach(_ statements: [(sql: String, arguments: [StoreValue])]) throws {
        // PostgresNIO queues each query on the connection in order and writes it at once; only the answers are
        // awaited, all of them, so none is left running when this returns.
        let answers = try statements.map { connection.query(try Self.query($0.sql, $0.arguments), logger: logger) }
        var failure: Error?
        for answer in answers {
            do { _ = try answer.wait() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    func scanRows(_ sql: String, _ arguments: [StoreValue], while body: (StoreRow) throws -> Bool) throws {
        if let rows = try hot?.rows(sql, arguments) {
            for row in rows where try !body(StoreRow(postgres: row)) { break }
            return
        }
        let result = try connection.query(try Self.query(sql, arguments), logger: logger).wait()
        for row in result.rows {
            if try !body(StoreRow(postgres: row)) { break }
        }
    }

    /// Several statements without parameters, each ending with `;` at the end of a line (a migration's DDL):
    /// the extended protocol takes one statement at a time.
    func executeScript(_ sql: String) throws {
        for statement in sql.components(separatedBy: ";\n") + [] {
            let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            let withoutComments = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
            if withoutComments.isEmpty { continue }
            _ = try execute(text.hasSuffix(";") ? String(text.dropLast()) : text, [])
        }
    }

    private static func query(_ sql: String, _ arguments: [StoreValue]) throws -> PostgresQuery {
        PostgresQuery(unsafeSQL: StoreDialect.postgres.prepared(sql), binds: try bindings(arguments))
    }

    private static func bindings(_ arguments: [StoreValue]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .boolean(let flag): bindings.append(flag)
            case .date(let date): bindings.append(date)
            case .blob(let data): bindings.append(ByteBuffer(bytes: data))
            }
        }
        return bindings
    }
}
