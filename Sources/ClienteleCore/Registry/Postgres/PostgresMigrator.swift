import Foundation

/// Brings a PostgreSQL database to the registry's schema, or refuses it in one line: a database that holds other
/// tables, one without the schema when not asked to create it, one written by a newer Clientele. Processes that
/// open the same empty database at once take turns on an advisory lock, so the schema is created exactly once.
enum PostgresMigrator {
    /// Any fixed number: the lock is held only while a migration runs, and only Clientele takes it.
    static let lockKey: Int64 = 0x436C_6965_6E74_656C  // "Clientel"

    /// Answers whether it created the schema.
    @discardableResult
    static func migrate(_ connection: PostgresRegistryConnection, create: Bool) throws -> Bool {
        try connection.withSession { transaction in
            try transaction.execute("BEGIN", [])
            do {
                let created = try migrate(transaction, location: connection.location, create: create)
                try transaction.execute("COMMIT", [])
                return created
            } catch {
                _ = try? transaction.execute("ROLLBACK", [])
                throw error
            }
        }
    }

    private static func migrate(_ transaction: PostgresTransaction, location: PostgresLocation, create: Bool) throws -> Bool {
        try transaction.execute("SELECT pg_advisory_xact_lock(?)", lockKey)
        let hasMigrations = try transaction.string("SELECT CAST(to_regclass('schemamigration') AS TEXT)") != nil
        if !hasMigrations {
            let tables = try transaction.int64(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()") ?? 0
            if tables > 0 {
                throw ClienteleError.registry(
                    "\(location) holds tables that are not a Clientele registry: give Clientele a database of its own")
            }
            guard create else {
                throw ClienteleError.registry(
                    "no registry in \(location): run `clientele init --registry \(location)`")
            }
            try transaction.execute("""
                CREATE TABLE schemamigration (
                    version bigint PRIMARY KEY NOT NULL, name text NOT NULL, appliedat timestamptz NOT NULL DEFAULT now())
                """)
        }
        let current = try transaction.int64("SELECT max(version) FROM schemamigration") ?? 0
        if current > PostgresSchema.version {
            throw ClienteleError.registry(
                "registry \(location) was written by a newer Clientele (schema \(current), this one knows \(PostgresSchema.version)): upgrade clientele")
        }
        // Each migration not yet recorded, as GRDB's migrator does on SQLite: one shipped between two others (built
        // on branches side by side) still runs where the later one already has.
        let applied = Set(try transaction.int64s("SELECT version FROM schemamigration"))
        for migration in PostgresSchema.migrations where !applied.contains(Int64(migration.version)) {
            try transaction.executeScript(migration.sql)
            try transaction.execute(
                "INSERT INTO schemamigration(version, name) VALUES (?, ?)", migration.version,
                migration.name)
        }
        return !hasMigrations
    }
}
