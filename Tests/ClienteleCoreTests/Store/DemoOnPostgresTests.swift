import Foundation
import Testing
@testable import ClienteleCore

/// The demo (scripts/bench's registry builder) on PostgreSQL: the same seed builds the same registry as on SQLite,
/// through the bulk writer's pipelined inserts; and a pipelined batch that fails leaves nothing behind.
@Suite struct DemoOnPostgresTests {
    static let clock = ClienteleClock.fixed(Timestamp.parse("2026-11-23T12:00:00Z")!)

    @Test func theSameSeedBuildsTheSameClientsAndSecretsOnBothEngines() async throws {
        let directory = NSTemporaryDirectory() + "clientele-demo-pg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sqlitePath = directory + "/registry.sqlite"
        let url = try TestPostgres.freshDatabase("demo")
        let onSQLite = try await DemoBuilder(registryPath: sqlitePath, clients: 80, seed: 5, clock: Self.clock).build()
        let onPostgres = try await DemoBuilder(registryPath: url, clients: 80, seed: 5, clock: Self.clock).build()
        let postgres = try Registry.open(at: url, clock: Self.clock)
        let sqlite = try Registry.open(at: sqlitePath, clock: Self.clock)

        #expect(onPostgres.secrets == onSQLite.secrets)
        #expect(onPostgres.registryPath.hasPrefix("postgres://"))
        let sqliteRows = try sqlite.consoleClientRows()
        let postgresRows = try postgres.consoleClientRows()
        #expect(postgresRows.count == 80 + DemoBuilder.gatewayClientCount)
        // SQLite computes expiry seconds through julianday, a few microseconds off; the rest is equal.
        #expect(postgresRows.count == sqliteRows.count)
        for (onPostgres, onSQLite) in zip(postgresRows, sqliteRows) {
            var withoutExpiry = onPostgres
            withoutExpiry.nextExpiry = onSQLite.nextExpiry
            #expect(withoutExpiry == onSQLite)
            #expect(abs((onPostgres.nextExpiry ?? 0) - (onSQLite.nextExpiry ?? 0)) < 0.01, "\(onPostgres.displayName)")
        }
        // Expiring secrets by client and date (the few rotated by the demo got key ids of the sandbox's choosing).
        let expiring = try postgres.expiringSecrets(within: .days(30))
        #expect(!expiring.isEmpty)
        #expect(expiring.map { "\($0.client) \(Int($0.expiresAt.timeIntervalSince1970))" }
            == (try sqlite.expiringSecrets(within: .days(30))).map { "\($0.client) \(Int($0.expiresAt.timeIntervalSince1970))" })
        // The sandboxes live in the database, in schemas of their own: no file anywhere.
        #expect(try TestPostgres.strings(url, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sandbox_%' ORDER BY nspname")
            == ["sandbox_anypoint_sandbox", "sandbox_entra_sandbox", "sandbox_kong_sandbox", "sandbox_oidc_sandbox"])

        await #expect(throws: ClienteleError.self) {
            _ = try await DemoBuilder(registryPath: url, clients: 5, seed: 5, clock: Self.clock).build()
        }
    }

    @Test(arguments: [false, true]) func aFailingStatementInABatchLeavesNothingOfIt(postgres: Bool) throws {
        let directory = NSTemporaryDirectory() + "clientele-batch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = postgres ? try TestPostgres.freshDatabase("batch") : directory + "/registry.sqlite"
        let registry = try Registry.open(at: location, create: true, clock: Self.clock)
        let insert = "INSERT INTO registryInfo(key, value) VALUES (?, ?)"
        #expect(throws: Error.self) {
            try registry.write { transaction in
                try transaction.executeEach([
                    (insert, [.text("batch.a"), .text("1")]),
                    (insert, [.text("batch.a"), .text("again")]),  // the key is the primary key
                    (insert, [.text("batch.b"), .text("2")]),
                ])
            }
        }
        let left = try registry.read { transaction in
            try transaction.strings("SELECT key FROM registryInfo WHERE key LIKE 'batch.%' ORDER BY key")
        }
        #expect(left.isEmpty)
        try registry.write { transaction in
            try transaction.executeEach([(insert, [.text("batch.a"), .text("1")]), (insert, [.text("batch.b"), .text("2")])])
        }
        let written = try registry.read { transaction in
            try transaction.strings("SELECT value FROM registryInfo WHERE key LIKE 'batch.%' ORDER BY key")
        }
        #expect(written == ["1", "2"])
    }
}
