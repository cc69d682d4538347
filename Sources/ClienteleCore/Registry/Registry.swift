import Foundation
import GRDB
import Logging

/// The registry: one SQLite file, or one PostgreSQL database for a team, that records identity providers,
/// environments, clients, secret metadata, policy assignments, rotations and the audit trail. It is the only code
/// that knows storage: its operations run on either engine through `StoreTransaction`.
///
/// Several processes (the console, CLI runs, cron) may share it. On SQLite, WAL mode lets readers proceed during a
/// write, and writers wait for each other for up to `busyTimeout`; on PostgreSQL see `PostgresRegistryConnection`.
///
/// One `DatabaseQueue` per process, not a pool: a pool's set-up writes to the file on every open (GRDB creates
/// and drops a table to materialise the WAL), and a command that only reads, or that refuses bad input, must leave
/// the registry's bytes as they were. WAL mode is switched on once, when the file is created, and SQLite keeps it.
public final class Registry: Sendable {
    /// The SQLite file's path, or the PostgreSQL URL without its password: what messages name it by.
    public let path: String
    public let clock: ClienteleClock
    let engine: Engine
    let logger: Logger
    /// Whether this open created the registry (`clientele init` says which).
    public let wasCreated: Bool

    enum Engine: Sendable {
        case sqlite(DatabaseQueue)
        case postgres(PostgresRegistryConnection)
    }

    static let busyTimeout: TimeInterval = 10

    private init(path: String, engine: Engine, clock: ClienteleClock, logger: Logger, wasCreated: Bool) {
        self.wasCreated = wasCreated
        self.path = path
        self.engine = engine
        self.clock = clock
        self.logger = logger
    }

    /// Which engine holds the registry, for messages and the checks that differ (a SQLite file's bytes).
    public var isPostgres: Bool {
        if case .postgres = engine { return true }
        return false
    }

    /// The SQLite queue, for the file-level work only SQLite has (its migrator, a checkpoint); nil on PostgreSQL.
    var sqliteQueue: DatabaseQueue? {
        if case .sqlite(let queue) = engine { return queue }
        return nil
    }

    /// How SQLite may use memory for this process: for batch commands, map the file for reads (skipping a pread()
    /// per page, a sixth of the expiry report's time over 300k secrets), let the page cache hold a bulk write's
    /// dirty pages until commit (with the 2 MiB default, the demo's and sync's inserts spilled and rewrote the same
    /// pages into the WAL), and keep temporary storage in memory (each `INSERT OR REPLACE` in a long transaction
    /// keeps a statement journal, which went to a file in /var/tmp: 60k writes for a 10k-application sync, and a
    /// 100k-row sort spilled there too). None of this changes what is written or when it is durable. Mapped and
    /// cached pages count in the process's RSS, so the long-lived console opens with SQLite's defaults.
    public enum ReadMapping: Sendable {
        case batch
        case none

        var pragmas: String {
            switch self {
            // cache_size is in KiB when negative; SQLite allocates pages as they are used, not up front.
            case .batch: return "PRAGMA mmap_size = \(256 << 20); PRAGMA cache_size = -\(128 << 10); PRAGMA temp_store = MEMORY"
            case .none: return "PRAGMA mmap_size = 0"
            }
        }
    }

    /// Opens an existing registry, or creates one when `create` is true. A missing, unreadable, foreign or newer
    /// file is an error that names the path and what to do.
    public static func open(
        at path: String, create: Bool = false, clock: ClienteleClock = .wall, mapping: ReadMapping = .batch,
        logger: Logger = Logger(label: "clientele.registry")
    ) throws -> Registry {
        if PostgresLocation.isPostgres(path) {
            return try openPostgres(try PostgresLocation.parse(path), create: create, clock: clock, logger: logger)
        }
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else {
                throw ClienteleError.registry(
                    "no registry at \(path): run `clientele init` (or `clientele demo`), or pass --registry PATH")
            }
            try PrivateFile.makeDirectory((path as NSString).deletingLastPathComponent)
            try PrivateFile.createEmpty(path)
        } else {
            try checkIsSQLite(path)
        }

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "registry"
        let pragmas = mapping.pragmas
        configuration.prepareDatabase { db in try db.execute(sql: pragmas) }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            if !exists {
                try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            }
        } catch {
            throw ClienteleError.registry("cannot open registry \(path): \(describe(error))")
        }
        let registry = Registry(path: path, engine: .sqlite(queue), clock: clock, logger: logger, wasCreated: !exists)
        try registry.migrateIfNeeded(queue)
        return registry
    }

    private static func openPostgres(
        _ location: PostgresLocation, create: Bool, clock: ClienteleClock, logger: Logger
    ) throws -> Registry {
        let connection: PostgresRegistryConnection
        let created: Bool
        do {
            connection = try PostgresRegistryConnection(location: location, logger: logger)
            created = try PostgresMigrator.migrate(connection, create: create)
        } catch let error as ClienteleError {
            throw error
        } catch {
            throw ClienteleError.registry("cannot open registry \(location): \(PostgresErrorText.describe(error))")
        }
        return Registry(
            path: location.description, engine: .postgres(connection), clock: clock, logger: logger, wasCreated: created)
    }

    private static func checkIsSQLite(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ClienteleError.registry("registry \(path) is not readable: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        // A zero-length file is what `init` leaves before SQLite writes its first page.
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw ClienteleError.registry("\(path) is not a Clientele registry: it is not an SQLite database")
        }
    }

    private func migrateIfNeeded(_ writer: DatabaseQueue) throws {
        let migrator = RegistrySchema.migrator
        do {
            let state = try writer.read { db -> (superseded: Bool, complete: Bool, foreign: Bool) in
                let hasMigrations = try db.tableExists("grdb_migrations")
                let hasTables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if !hasMigrations { return (false, false, hasTables > 0) }
                return (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db), false)
            }
            if state.foreign {
                throw ClienteleError.registry("\(path) is an SQLite database but not a Clientele registry")
            }
            if state.superseded {
                throw ClienteleError.registry(
                    "registry \(path) was written by a newer Clientele (schema newer than \(RegistrySchema.version)): upgrade clientele")
            }
            if !state.complete {
                try migrator.migrate(writer)
            }
        } catch let error as ClienteleError {
            throw error
        } catch {
            throw ClienteleError.registry("cannot read registry \(path): \(Registry.describe(error))")
        }
    }

    /// The engine's own words, without GRDB's statement dump or PostgresNIO's query (either could quote values).
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return PostgresErrorText.describe(error)
    }

    /// Runs `body` in one write transaction, turning store errors into one-line registry errors.
    ///
    /// `bumpingRevision: false` is for bookkeeping nobody displays (a lease's heartbeat): a revision bump makes
    /// every open console reload, and a heartbeat every few seconds would keep them reloading.
    ///
    /// `rerunIfLost`: on PostgreSQL, a session lost before COMMIT (a server restart) rolled the transaction back
    /// whole, and `body` runs again on a fresh session. Only for bodies that are plain functions of what they read
    /// (a rotation's step, a lease): a body that hands rows on or keeps state outside must not run twice.
    func write<T>(bumpingRevision: Bool = true, rerunIfLost: Bool = false, _ body: (StoreTransaction) throws -> T)
        throws -> T
    {
        try translatingErrors {
            switch engine {
            case .sqlite(let queue):
                return try queue.write { db in
                    try Self.run(body, in: SQLiteTransaction(db), bumpingRevision: bumpingRevision)
                }
            case .postgres(let connection):
                return try connection.write(rerunIfLost: rerunIfLost) { transaction in
                    try Self.run(body, in: transaction, bumpingRevision: bumpingRevision)
                }
            }
        }
    }

    /// A write of lease columns alone: a claim, a heartbeat, a release. It bumps no revision (a heartbeat every
    /// few seconds would keep every console reloading), and on PostgreSQL it does not queue behind the writers'
    /// lock: it appends no audit event, so it needs no turn at the chain's head, and a heartbeat stuck behind a
    /// long write could let its lease lapse. Re-run on a fresh session if the first was lost before COMMIT.
    @discardableResult
    func leaseWrite<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try translatingErrors {
            switch engine {
            case .sqlite(let queue): return try queue.write { db in try body(SQLiteTransaction(db)) }
            case .postgres(let connection): return try connection.leaseWrite(body)
            }
        }
    }

    private static func run<T>(
        _ body: (StoreTransaction) throws -> T, in transaction: StoreTransaction, bumpingRevision: Bool
    ) throws -> T {
        let result = try body(transaction)
        if bumpingRevision { try RegistryInfo.bumpRevision(transaction) }
        return result
    }

    /// Runs `body` in one read-only transaction, so every statement in it sees the same committed state.
    /// Synchronous, so `body` need not be Sendable: a caller can stream rows into its own state.
    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try translatingErrors {
            switch engine {
            case .sqlite(let queue): return try queue.read { db in try body(SQLiteTransaction(db)) }
            case .postgres(let connection): return try connection.read { transaction in try body(transaction) }
            }
        }
    }

    /// The GRDB handle itself, for the operations not yet moved onto `StoreTransaction`.
    func sqliteWrite<T: Sendable>(bumpingRevision: Bool = true, _ body: @Sendable (Database) throws -> T) throws -> T {
        try write(bumpingRevision: bumpingRevision) { transaction in try body(Self.database(of: transaction)) }
    }

    func sqliteRead<T>(_ body: (Database) throws -> T) throws -> T {
        try read { transaction in try body(Self.database(of: transaction)) }
    }

    private static func database(of transaction: StoreTransaction) -> Database {
        transaction.legacyDatabase
    }

    private func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ClienteleError {
            throw error
        } catch let cancelled as CancellationError {
            // A stopped load is not a registry fault: callers tell the two apart.
            throw cancelled
        } catch let finding as StoreFinding {
            throw finding
        } catch {
            if case .postgres(let connection) = engine,
                let refusal = PostgresErrorText.refusal(
                    error, location: connection.location, login: connection.login,
                    holdsOperate: { connection.holds(PostgresRoles.operate) })
            {
                throw ClienteleError.registry(refusal)
            }
            throw ClienteleError.registry("registry \(path): \(Registry.describe(error))")
        }
    }

    /// A number that grows with every committed change, from this process or any other (a CLI rotation, cron's
    /// `rotations advance`), so the console can poll one cheap row to know when to reload.
    public func revision() throws -> Int64 {
        try read { transaction in try RegistryInfo.revision(transaction) }
    }

    /// Folds the WAL into the main file, so a copy of `path` alone is complete.
    public func checkpoint() throws {
        guard let writer = sqliteQueue else { return }
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw ClienteleError.registry("registry \(path): \(Registry.describe(error))")
        }
    }
}
