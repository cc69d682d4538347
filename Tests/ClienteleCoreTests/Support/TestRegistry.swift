import Foundation
import Synchronization
@testable import ClienteleCore

/// A clock a test can move, to pass a grace period or an expiry without sleeping.
final class MovableClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) { current = Mutex(start) }

    var clock: ClienteleClock { ClienteleClock { self.current.withLock { $0 } } }
    var now: Date { current.withLock { $0 } }

    func advance(days: Double) { current.withLock { $0 += days * 86_400 } }
}

/// A fresh registry in its own temporary folder, removed when the value goes away. With
/// `CLIENTELE_TEST_ENGINE=postgres` (scripts/test runs the core suites a second time so) the registry is a fresh
/// PostgreSQL database instead, with its sandboxes' state in it, and the folder holds only delivered secrets and
/// the gateway tests' own sandbox files.
final class TestRegistry {
    let folder: URL
    let clock = MovableClock()
    let registry: Registry
    /// What `Registry.open(at:)` takes to open this registry again: the SQLite path or the PostgreSQL URL.
    let location: String

    static var engineIsPostgres: Bool { ProcessInfo.processInfo.environment["CLIENTELE_TEST_ENGINE"] == "postgres" }

    enum Engine { case sqlite, chosenByEnvironment }

    /// `.sqlite` for the tests about the SQLite file itself (they open it underneath the registry).
    init(engine: Engine = .chosenByEnvironment) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        location = engine == .chosenByEnvironment && Self.engineIsPostgres
            ? try TestPostgres.freshDatabase("core") : folder.appendingPathComponent("registry.sqlite").path
        registry = try Registry.open(at: location, create: true, clock: clock.clock)
    }

    var path: String { folder.appendingPathComponent("registry.sqlite").path }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A sandbox IdP recorded in the registry, with `clients` clients whose secrets nobody knows.
    func addSandbox(name: String = "sandbox", profile: SandboxProfile = .entra) throws -> (IdentityProvider, SandboxIdentityProvider) {
        // Where the registry keeps sandboxes: a file beside a SQLite registry, a schema in a PostgreSQL one.
        let state = registry.sandboxHome.newStateName(for: name)
        let sandbox = try SandboxIdentityProvider(
            state: state, in: registry.sandboxHome, profile: profile, clock: clock.clock, create: true)
        let idp = try registry.addIdentityProvider(
            IdentityProvider(name: name, kind: .sandbox,
                             settings: IdentityProviderSettings(sandboxStateFile: state, sandboxProfile: profile),
                             credentialSource: .none, createdAt: clock.now),
            actor: "tests")
        return (idp, sandbox)
    }

    /// Registers a client at the sandbox and records it; returns it with the text of its first secret.
    func registerClient(_ name: String, at idp: IdentityProvider, sandbox: SandboxIdentityProvider,
                        environments: [String] = []) async throws -> (Client, SecretText) {
        let (remote, secret) = try await sandbox.register(displayName: name, secretLifetime: 180 * 86_400)
        let client = try registry.recordClient(remote, identityProvider: idp, environments: environments,
                                               origin: .rotated, actor: "tests")
        return (client, secret.text)
    }

    /// Every byte the registry holds, as text, to show what is never among them: the SQLite file (with its WAL),
    /// or every row of every table on PostgreSQL.
    func everythingStored() throws -> String {
        guard location.hasPrefix("postgres") else {
            let wal = (try? String(contentsOfFile: location + "-wal", encoding: .isoLatin1)) ?? ""
            return try String(contentsOfFile: location, encoding: .isoLatin1) + wal
        }
        let tables = try TestPostgres.strings(
            location, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return try tables.flatMap { table in
            try TestPostgres.strings(location, "SELECT CAST(t AS TEXT) FROM \(table) t")
        }.joined(separator: "\n")
    }

    func tempFile(_ name: String) -> String { folder.appendingPathComponent(name).path }
}
