import Foundation
import Logging
import Testing
@testable import ClienteleCore

/// The three roles on a real PostgreSQL server: logins made in a fresh database and granted the roles by running
/// the printed SQL through the owner's connection, then each login's registry doing what its role allows and
/// refused, in one line, what it does not. Audit events name the login that wrote them.
@Suite struct PostgresRolesTests {
    /// As psql would, one statement at a time (a function body holds `;` lines of its own).
    static func runRolesScript(_ url: String) throws {
        let owner = try PostgresRegistryConnection(location: try PostgresLocation.parse(url), logger: Logger(label: "test"))
        try owner.withSession { session in
            for statement in PostgresRoles.statements { _ = try session.execute(statement, []) }
        }
    }

    /// A fresh registry made by the owner (`clientele`, the test server's superuser), the roles' SQL run on it, and
    /// one login per role (login names are server-wide, so each test's are its own).
    struct Setup {
        let url: String
        let reader: String
        let operator_: String
        let admin: String

        init() throws {
            url = try TestPostgres.freshDatabase("roles")
            let owner = try Registry.open(at: url, create: true)
            _ = try owner.addEnvironment(name: "Prod", businessGroup: nil, gateway: .kong, actor: "owner")
            let suffix = UUID().uuidString.prefix(8).lowercased()
            reader = "reader_\(suffix)"
            operator_ = "operator_\(suffix)"
            admin = "admin_\(suffix)"
            try PostgresRolesTests.runRolesScript(url)
            for (login, role) in [(reader, PostgresRoles.read), (operator_, PostgresRoles.operate), (admin, PostgresRoles.admin)] {
                try TestPostgres.execute(url, "CREATE ROLE \(login) LOGIN;\nGRANT \(role) TO \(login);")
            }
        }

        func url(as login: String) -> String {
            url.replacingOccurrences(of: "://clientele@", with: "://\(login)@")
        }

        func open(as login: String) throws -> Registry { try Registry.open(at: url(as: login)) }
    }

    @Test func everyTableOfTheSchemaHasItsGrantsDecided() throws {
        let url = try TestPostgres.freshDatabase("roles_tables")
        _ = try Registry.open(at: url, create: true)
        let tables = Set(try TestPostgres.strings(
            url, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))
        #expect(tables == Set(PostgresRoles.tables.map { $0.table.lowercased() }))
    }

    @Test func theShippedSQLFileIsThePrintedOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("docs/postgres-roles.sql"), encoding: .utf8)
        #expect(shipped == PostgresRoles.sql, "regenerate: clientele init --print-roles > docs/postgres-roles.sql")
    }

    @Test func theRolesScriptRunsTwice() throws {
        let setup = try Setup()
        try Self.runRolesScript(setup.url)
        #expect(try setup.open(as: setup.reader).verifyAuditTrail().isIntact)
    }

    @Test func aReaderLoadsTheConsoleAndVerifiesButCannotWrite() throws {
        let setup = try Setup()
        let reader = try setup.open(as: setup.reader)
        _ = try reader.consoleClientRows()
        _ = try reader.consoleCounts()
        _ = try reader.expiringSecrets(within: DurationText(seconds: 30 * 86_400))
        #expect(try reader.verifyAuditTrail() == .intact(events: 1))
        let revision = try reader.revision()
        let location = try PostgresLocation.parse(setup.url(as: setup.reader))
        #expect(throws: ClienteleError.registry(
            "registry \(location) refuses this: role \(setup.reader) may not change the registry (permission denied; grant clientele_operate)"
        )) {
            _ = try reader.addEnvironment(name: "Dev", businessGroup: nil, gateway: .kong, actor: "reader")
        }
        #expect(try reader.revision() == revision)
        #expect(try reader.verifyAuditTrail() == .intact(events: 1))
    }

    @Test func anOperatorCannotAddAnEnvironmentNorRewriteTheTrail() throws {
        let setup = try Setup()
        let operator_ = try setup.open(as: setup.operator_)
        #expect {
            _ = try operator_.addEnvironment(name: "Dev", businessGroup: nil, gateway: .kong, actor: "ops")
        } throws: { error in
            "\(error)".contains("role \(setup.operator_) may not change environment (permission denied; grant clientele_admin)")
        }
        for statement in ["UPDATE auditEvent SET actor = 'mallory'", "DELETE FROM auditEvent", "TRUNCATE auditEvent"] {
            #expect(throws: (any Error).self, "\(statement) was allowed") {
                try TestPostgres.execute(setup.url(as: setup.operator_), statement)
            }
        }
        // Not even the owner, through the trigger, without dropping it first.
        #expect(throws: (any Error).self) { try TestPostgres.execute(setup.url, "DELETE FROM auditEvent") }
        #expect(try operator_.verifyAuditTrail() == .intact(events: 1))
    }

    @Test func eachEventNamesTheLoginThatWroteIt() throws {
        let setup = try Setup()
        let admin = try setup.open(as: setup.admin)
        _ = try admin.addEnvironment(name: "Dev", businessGroup: nil, gateway: .kong, actor: "ops-alice")
        let events = try admin.auditEvents()
        #expect(events.map(\.sessionUser) == [setup.admin, "clientele"])
        #expect(events.first?.attributedActor == "ops-alice (db: \(setup.admin))")
        #expect(try admin.verifyAuditTrail() == .intact(events: 2))
        // The admin owns the tables a migration alters.
        try TestPostgres.execute(setup.url(as: setup.admin), "ALTER TABLE environment ADD COLUMN scratch text")
    }

    @Test func aChangedLoginBreaksTheChain() throws {
        let setup = try Setup()
        try TestPostgres.execute(setup.url, """
            ALTER TABLE auditEvent DISABLE TRIGGER audit_is_append_only;
            UPDATE auditEvent SET sessionUser = 'mallory' WHERE id = 1;
            """)
        guard case .broken(let id, _, let reason) = try setup.open(as: setup.reader).verifyAuditTrail() else {
            Issue.record("a changed login went unnoticed")
            return
        }
        #expect(id == 1 && reason.contains("altered"))
    }
}
