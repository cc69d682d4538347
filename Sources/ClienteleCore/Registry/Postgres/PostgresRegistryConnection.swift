import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The one PostgreSQL session a process holds for the registry, as it holds one SQLite queue: transactions take
/// turns on it. A write transaction first locks the `revision` row, so writers from every host queue as they do on
/// SQLite (and each reads the audit chain's head only once the writer before it committed); a read runs in one
/// REPEATABLE READ READ ONLY snapshot, so a screen assembled from several queries sees one state.
///
/// A session found lost when a transaction begins (a server restart ends idle sessions with 57P01) is opened anew
/// and the transaction runs on it. One lost inside a transaction rolled back whole: a body its caller marked
/// re-runnable (a rotation's step, a lease) runs again on a fresh session; otherwise the error says nothing was
/// recorded and the command may be run again (a rotation resumes from its journal). One lost during COMMIT may or
/// may not stand, and the error says that instead. Other bodies are not re-run: a read may already have handed
/// rows on.
final class PostgresRegistryConnection: Sendable {
    let location: PostgresLocation
    private let logger: Logger
    private let session: NIOLockedValueBox<Session?>

    /// An open connection and the login it authenticated as, read once when it opened: every audit event written on
    /// it records that login, and asking per event would cost a round trip each.
    struct Session {
        let connection: PostgresConnection
        let sessionUser: String
        let hot: PostgresHotStatements
    }

    /// Transactions begun (or re-run) on a fresh session after the last was lost.
    static let connectAttempts = 3
    static let reconnectAttempts = 8

    /// Whether the login holds `role`, directly or through another; false when it cannot tell (no such role).
    func holds(_ role: String) -> Bool {
        let answer = try? withSession { session in
            try session.fetchOne(
                "SELECT pg_has_role(session_user, r.oid, 'MEMBER') FROM pg_roles r WHERE r.rolname = ?", [.text(role)]
            ) { try $0.bool(0) }
        }
        return (answer ?? nil) ?? false
    }

    /// Whether the login may `privilege` (`INSERT`, …) on `table`, asked before an IdP is touched.
    func may(_ privilege: String, on table: String) throws -> Bool {
        try withSession { session in
            try session.fetchOne("SELECT has_table_privilege(CAST(? AS text), CAST(? AS text))",
                                 [.text(table), .text(privilege)]) { try $0.bool(0) }
        } ?? false
    }

    /// The login the session runs as, for an error line; the URL's user until a session has said.
    var login: String {
        session.withLockedValue { $0?.sessionUser } ?? location.user
    }

    init(location: PostgresLocation, logger: Logger) throws {
        self.location = location
        self.logger = logger
        session = NIOLockedValueBox(try Self.open(location, logger: logger))
    }

    deinit {
        session.withLockedValue { session in _ = try? session?.connection.close().wait() }
    }

    private static func open(_ location: PostgresLocation, logger: Logger) throws -> Session {
        let connection = try connect(location, logger: logger)
        do {
            // session_user, not current_user: a `SET ROLE` changes the latter, never the login that connected.
            let user = try PostgresTransaction(connection, logger: logger, sessionUser: nil).string("SELECT session_user")
            return Session(connection: connection, sessionUser: user ?? location.user, hot: PostgresHotStatements(connection))
        } catch {
            _ = try? connection.close().wait()
            throw error
        }
    }

    static func connect(_ location: PostgresLocation, logger: Logger) throws -> PostgresConnection {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        return try PostgresConnection.connect(
            on: eventLoop, configuration: try configuration(location), id: 1, logger: logger
        ).wait()
    }

    static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try tls(location))
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private static func tls(_ location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable: return .disable
        case .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let file = location.rootCertificateFile {
            configuration.trustRoots = .file(file)
        }
        let context = try NIOSSLContext(configuration: configuration)
        switch location.tls {
        case .allow, .prefer: return .prefer(context)
        default: return .require(context)
        }
    }

    /// Every write locks the revision row first: writers queue there, so the audit chain's head is read by one at a
    /// time (see the measurements: a plain read under READ COMMITTED let concurrent writers reuse an id).
    static let writersLockSQL = "SELECT value FROM registryInfo WHERE key = 'revision' FOR UPDATE"

    /// Runs `body` in one write transaction that holds the writers' lock.
    func write<T>(rerunIfLost: Bool = false, _ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", rerunIfLost: rerunIfLost) { transaction in
            _ = try transaction.execute(Self.writersLockSQL, [])
            return try body(transaction)
        }
    }

    /// A write that does not take the writers' lock (see `Registry.leaseWrite`): its rows' own locks order it.
    func leaseWrite<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", rerunIfLost: true, body)
    }

    func read<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` outside any transaction the registry opens (a migration takes its own lock and transaction).
    func withSession<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try session.withLockedValue { session in
            let current = try live(&session)
            return try body(PostgresTransaction(
                current.connection, logger: logger, sessionUser: current.sessionUser, hot: current.hot))
        }
    }

    /// Runs `body` in one transaction begun by `begin`, on the session opened anew if it was lost (see above).
    func transaction<T>(begin: String, rerunIfLost: Bool = false, _ body: (PostgresTransaction) throws -> T)
        throws -> T
    {
        try session.withLockedValue { session in
            var attempt = 1
            while true {
                let current = try live(&session)
                let transaction = PostgresTransaction(
                    current.connection, logger: logger, sessionUser: current.sessionUser, hot: current.hot)
                var began = false
                var committing = false
                do {
                    _ = try transaction.execute(begin, [])
                    began = true
                    let result = try body(transaction)
                    committing = true
                    _ = try transaction.execute("COMMIT", [])
                    return result
                } catch {
                    if PostgresErrorText.connectionWasLost(error) {
                        // Closed here rather than left to go: the error can come before PostgresNIO has seen the
                        // channel close, and a connection dropped open is a leak (and a debug build's assertion).
                        _ = try? session?.connection.close().wait()
                        session = nil
                        if committing {
                            throw ClienteleError.registry(
                                "registry \(location): the connection to PostgreSQL was lost while committing; the change may or may not have been recorded (check before repeating it)")
                        }
                        if (!began || rerunIfLost) && attempt < Self.connectAttempts {
                            attempt += 1
                            continue
                        }
                        throw ClienteleError.registry(
                            "registry \(location): the connection to PostgreSQL was lost (\(PostgresErrorText.describe(error))); nothing of this change was recorded, so it is safe to run again")
                    } else {
                        _ = try? transaction.execute("ROLLBACK", [])
                    }
                    throw error
                }
            }
        }
    }

    /// The session, opened anew when the last one was lost.
    private func live(_ session: inout Session?) throws -> Session {
        if let open = session, !open.connection.isClosed { return open }
        var lastError: Error?
        // Backing off to about five seconds in all: long enough for a server restarting (`pg_ctl restart -m
        // fast`, a failover's promotion), short enough that a server that is down is reported soon.
        for attempt in 0..<Self.reconnectAttempts {
            if attempt > 0 { Thread.sleep(forTimeInterval: min(0.1 * Double(1 << attempt), 1)) }
            do {
                let fresh = try Self.open(location, logger: logger)
                session = fresh
                return fresh
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ClienteleError.registry("registry \(location): cannot connect")
    }
}
