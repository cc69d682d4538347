import Foundation
import GRDB

/// Where one embedded sandbox (an IdP or a gateway) keeps its state, behind the same `StoreTransaction` the
/// registry's operations use, so the sandbox's code is written once: its own SQLite file beside a SQLite registry
/// (as it always was; tests open and tamper with that file), or a schema of its own in a PostgreSQL registry's
/// database, reached through the registry's session, so every process on a shared registry sees the same sandbox.
///
/// The schema is the sandbox's, not the registry's: the sandbox creates it, and the registry's migrations and
/// `SchemaEqualityTests` (which compare only the `public` schema) never meet it.
final class SandboxStore: Sendable {
    private enum Backing: Sendable {
        case file(DatabaseQueue)
        case database(PostgresRegistryConnection, schema: String)
    }

    private let backing: Backing
    /// The file's path, or the schema and the registry's URL (without its password): what errors name it by.
    let description: String
    /// "sandbox IdP state", "sandbox gateway state".
    private let what: String
    private let failure: @Sendable (String) -> ClienteleError

    private init(backing: Backing, description: String, what: String, failure: @escaping @Sendable (String) -> ClienteleError) {
        self.backing = backing
        self.description = description
        self.what = what
        self.failure = failure
    }

    /// What a sandbox needs to open its store: its SQLite migrator (a file's schema as it has always been
    /// migrated) and the same tables in PostgreSQL's DDL (created whole, `IF NOT EXISTS`).
    struct Schema: Sendable {
        let label: String
        let what: String
        let migrator: @Sendable () -> DatabaseMigrator
        let postgresTables: String
        let failure: @Sendable (String) -> ClienteleError
    }

    static func open(_ location: SandboxLocation, create: Bool, schema: Schema) throws -> SandboxStore {
        switch location {
        case .file(let path):
            let queue = try SandboxStateFile.open(
                path, create: create, label: schema.label, migrator: schema.migrator(), what: schema.what,
                failure: schema.failure)
            return SandboxStore(backing: .file(queue), description: path, what: schema.what, failure: schema.failure)
        case .database(let connection, let name):
            let description = "schema \(name) of \(connection.location)"
            let store = SandboxStore(
                backing: .database(connection, schema: name), description: description, what: schema.what,
                failure: schema.failure)
            try store.prepareSchema(create: create, tables: schema.postgresTables)
            return store
        }
    }

    var dialect: StoreDialect {
        if case .file = backing { return .sqlite }
        return .postgres
    }

    /// Runs `body` in one write transaction. On PostgreSQL, writers to one sandbox take turns on a lock named for
    /// it, as SQLite's writers do on the file, so a check-then-insert (the secret cap) holds across processes.
    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try translatingErrors {
            switch backing {
            case .file(let queue):
                return try queue.write { db in try body(SQLiteTransaction(db)) }
            case .database(let connection, let schema):
                return try connection.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { transaction in
                    try Self.enter(schema, transaction)
                    try transaction.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "clientele sandbox \(schema)")
                    return try body(transaction)
                }
            }
        }
    }

    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try translatingErrors {
            switch backing {
            case .file(let queue):
                return try queue.read { db in try body(SQLiteTransaction(db)) }
            case .database(let connection, let schema):
                return try connection.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { transaction in
                    try Self.enter(schema, transaction)
                    return try body(transaction)
                }
            }
        }
    }

    /// The sandbox's statements name its tables unqualified, as in its file; for this transaction only they
    /// resolve in its schema (`SET LOCAL` ends with the transaction, so the registry's own statements on the same
    /// session are untouched).
    private static func enter(_ schema: String, _ transaction: StoreTransaction) throws {
        try transaction.execute("SET LOCAL search_path TO \(quoted(schema))", [])
    }

    private func prepareSchema(create: Bool, tables: String) throws {
        guard case .database(let connection, let schema) = backing else { return }
        try translatingErrors {
            try connection.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { transaction in
                // Two processes adding sandboxes at once create each schema once.
                try transaction.execute("SELECT pg_advisory_xact_lock(hashtext(?))", "clientele sandbox \(schema)")
                // pg_namespace, not information_schema: that lists only the schemas this login may use.
                let exists = try transaction.int64(
                    "SELECT count(*) FROM pg_namespace WHERE nspname = ?", schema) ?? 0 > 0
                if exists { return }
                guard create else {
                    throw failure("\(what) \(description) is missing: add the sandbox again")
                }
                try transaction.execute("CREATE SCHEMA \(Self.quoted(schema))", [])
                try Self.enter(schema, transaction)
                try transaction.executeScript(tables)
                try Self.grantToTheRoles(schema, transaction)
            }
        }
    }

    /// On a registry with Clientele's roles (`init --print-roles`), the sandbox is everyone's who works there: its
    /// creator (an admin) owns the schema, operators rotate through it, readers read it.
    private static func grantToTheRoles(_ schema: String, _ transaction: StoreTransaction) throws {
        let roles = Set(try transaction.strings(
            "SELECT rolname FROM pg_roles WHERE rolname IN (?, ?)", PostgresRoles.read, PostgresRoles.operate))
        let name = quoted(schema)
        if roles.contains(PostgresRoles.read) {
            try transaction.execute("GRANT USAGE ON SCHEMA \(name) TO \(PostgresRoles.read)", [])
            try transaction.execute("GRANT SELECT ON ALL TABLES IN SCHEMA \(name) TO \(PostgresRoles.read)", [])
        }
        if roles.contains(PostgresRoles.operate) {
            try transaction.execute("GRANT USAGE ON SCHEMA \(name) TO \(PostgresRoles.operate)", [])
            try transaction.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(name) TO \(PostgresRoles.operate)", [])
            try transaction.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(name) TO \(PostgresRoles.operate)", [])
        }
    }

    /// Schema names are made of lower-case letters, digits and `_` (see `SandboxHome`); quoted all the same.
    private static func quoted(_ schema: String) -> String {
        "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ClienteleError {
            throw error
        } catch {
            throw failure("\(what) \(description): \(Registry.describe(error))")
        }
    }
}
