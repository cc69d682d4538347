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
/// and the transaction runs on it. One lost inside a transaction rolled back whole, so the error says nothing was
/// recorded and the command may be run again (a rotation resumes from its journal); one lost during COMMIT may or
/// may not stand, and the error says that instead. Bodies are not re-run: a read may already have handed rows on.
final class PostgresRegistryConnection: Sendable {
    let location: PostgresLocation
    private let logger: Logger
    private let session: NIOLockedValueBox<PostgresConnection?>

    static let connectAttempts = 3

    init(location: PostgresLocation, logger: Logger) throws {
        self.location = location
        self.logger = logger
        session = NIOLockedValueBox(try Self.connect(location, logger: logger))
    }

    deinit {
        session.withLockedValue { connection in _ = try? connection?.close().wait() }
    }

    static func connect(_ location: PostgresLocation, logger: Logger) throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try tls(location))
        configuration.options.connectTimeout = .seconds(10)
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        return try PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: 1, logger: logger
        ).wait()
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

    /// Runs `body` in one write transaction that holds the writers' lock.
    func write<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") { transaction in
            _ = try transaction.execute("SELECT value FROM registryInfo WHERE key = 'revision' FOR UPDATE", [])
            return try body(transaction)
        }
    }

    func read<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` outside any transaction the registry opens (a migration takes its own lock and transaction).
    func withSession<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try session.withLockedValue { connection in
            let current = try live(&connection)
            return try body(PostgresTransaction(current, logger: logger))
        }
    }

    /// Runs `body` in one transaction begun by `begin`, on the session opened anew if it was lost (see above).
    func transaction<T>(begin: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        try session.withLockedValue { connection in
            var attempt = 1
            while true {
                let current = try live(&connection)
                let transaction = PostgresTransaction(current, logger: logger)
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
                        connection = nil
                        if committing {
                            throw ClienteleError.registry(
                                "registry \(location): the connection to PostgreSQL was lost while committing; the change may or may not have been recorded (check before repeating it)")
                        }
                        if !began && attempt < Self.connectAttempts {
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
    private func live(_ connection: inout PostgresConnection?) throws -> PostgresConnection {
        if let open = connection, !open.isClosed { return open }
        var lastError: Error?
        for attempt in 0..<Self.connectAttempts {
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.2 * Double(attempt)) }
            do {
                let fresh = try Self.connect(location, logger: logger)
                connection = fresh
                return fresh
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ClienteleError.registry("registry \(location): cannot connect")
    }
}
