import Foundation
import Logging
import Synchronization
@testable import ClienteleCore

/// The PostgreSQL server the tests share: the one `scripts/test` started (`$CLIENTELE_TEST_POSTGRES`), or else one
/// this process starts with `scripts/postgres-test-server` and stops when it exits. Without PostgreSQL installed
/// the tests that need it fail, saying so: they never skip.
enum TestPostgres {
    private static let server = Mutex<Result<String, TestPostgresError>?>(nil)

    /// `postgres://clientele@127.0.0.1:PORT`, without a database.
    static func serverURL() throws -> String {
        try server.withLock { state in
            if let state { return try state.get() }
            let result = Result { try startOrReuse() }.mapError { TestPostgresError(String(describing: $0)) }
            state = result
            return try result.get()
        }
    }

    /// A new, empty database on the server, named for the test; its URL.
    static func freshDatabase(_ label: String = "t") throws -> String {
        let base = try serverURL()
        let name = "\(label)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12))".lowercased()
        let admin = try PostgresRegistryConnection(
            location: try PostgresLocation.parse(base + "/postgres"), logger: Logger(label: "test"))
        try admin.withSession { try $0.execute("CREATE DATABASE \(name)", []) }
        return base + "/" + name
    }

    /// Runs `sql` on the database at `url` outside the registry (to tamper, or to look underneath).
    static func execute(_ url: String, _ sql: String) throws {
        let connection = try PostgresRegistryConnection(location: try PostgresLocation.parse(url), logger: Logger(label: "test"))
        try connection.withSession { try $0.executeScript(sql) }
    }

    static func strings(_ url: String, _ sql: String) throws -> [String] {
        let connection = try PostgresRegistryConnection(location: try PostgresLocation.parse(url), logger: Logger(label: "test"))
        do {
            return try connection.withSession { try $0.strings(sql) }
        } catch {
            throw TestPostgresError("\(PostgresErrorText.describe(error)) in: \(sql)")
        }
    }

    private static func startOrReuse() throws -> String {
        if let url = ProcessInfo.processInfo.environment["CLIENTELE_TEST_POSTGRES"], !url.isEmpty { return url }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/postgres-test-server").path
        let folder = NSTemporaryDirectory() + "clientele-pg-\(UUID().uuidString)"
        let port = 20_000 + Int(getpid() % 20_000)
        let output = try run(script, ["start", folder, String(port)])
        // Stopped when the test process ends, however it ends short of a crash.
        stopFolder.withLock { $0 = (script, folder) }
        atexit {
            if let (script, folder) = TestPostgres.stopFolder.withLock({ $0 }) {
                _ = try? TestPostgres.run(script, ["stop", folder])
            }
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let stopFolder = Mutex<(String, String)?>(nil)

    /// Through the shell with output to a file, and waited for with waitpid: the server the script starts would
    /// inherit a pipe's write end (reading it to its end would never finish), and Foundation's Process waits on
    /// machinery that parallel tests blocked on this lock can starve.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let log = NSTemporaryDirectory() + "clientele-pg-script-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let command = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ") + " >'\(log)' 2>&1 </dev/null"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else {
            throw TestPostgresError("cannot start \(executable)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestPostgresError(
                "PostgreSQL is needed for this test and \(executable) \(arguments.first ?? "") failed: \(text) (run scripts/install/postgresql)")
        }
        return text
    }
}

struct TestPostgresError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
