import Foundation
import Testing
@testable import ClienteleCore

/// The statements every write runs are prepared on the registry's session (PostgreSQL's own list of them shows
/// it), run there as often as writes come, and prepared anew on the session that replaces a lost one.
@Suite struct PostgresHotStatementsTests {
    static func preparedHere(_ registry: Registry) throws -> [String] {
        try registry.read { transaction in
            try transaction.strings("SELECT statement FROM pg_prepared_statements ORDER BY statement")
        }
    }

    @Test func everyWritesStatementsArePreparedOnceOnTheSessionAndAgainAfterItIsLost() throws {
        let url = try TestPostgres.freshDatabase("hot")
        let registry = try Registry.open(at: url, create: true)
        for note in 0..<3 {
            try registry.write { transaction in
                try AuditTrail.append(transaction, at: Date(), actor: "tests", action: "note", subject: "\(note)")
            }
        }
        let prepared = try Self.preparedHere(registry)
        // The writers' lock, the head read and set, the event, the revision and its notification; each once.
        #expect(prepared.count == PostgresHotStatements.texts.count, "\(prepared)")
        #expect(prepared.contains { $0.hasPrefix("INSERT INTO auditEvent") && $0.hasSuffix("RETURNING 1") })
        #expect(prepared.contains { $0.hasSuffix("FOR UPDATE") })
        #expect(try registry.verifyAuditTrail() == .intact(events: 3))

        // The session is cut: the next write runs on a new one, which prepares them again.
        try TestPostgres.execute(url, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        try registry.write(rerunIfLost: true) { transaction in
            try AuditTrail.append(transaction, at: Date(), actor: "tests", action: "note", subject: "after")
        }
        #expect(try Self.preparedHere(registry).count == PostgresHotStatements.texts.count)
        #expect(try registry.verifyAuditTrail() == .intact(events: 4))
    }
}
