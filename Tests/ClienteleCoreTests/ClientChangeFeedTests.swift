import Foundation
import Testing
@testable import ClienteleCore

/// The clients list's change feed, on either engine: whatever writes a list row's parts (a store operation or
/// bare SQL), the consoles learn which rows to read again; what every row names changes the whole list.
@Suite struct ClientChangeFeedTests {
    @Test func namesTheClientsChangedSinceARevisionAndTheOnesGone() async throws {
        let fixture = try TestRegistry()
        let registry = fixture.registry
        let (idp, sandbox) = try fixture.addSandbox()
        let (alpha, _) = try await fixture.registerClient("alpha", at: idp, sandbox: sandbox)
        let (beta, _) = try await fixture.registerClient("beta", at: idp, sandbox: sandbox)
        let start = try registry.revision()
        #expect(try registry.consoleClientChanges(since: start) == (.rows(changed: [], removed: []), start))

        let (gamma, _) = try await fixture.registerClient("gamma", at: idp, sandbox: sandbox)
        let afterGamma = try registry.consoleClientChanges(since: start)
        #expect(afterGamma.revision == (try registry.revision()))
        guard case .rows(let changed, let removed) = afterGamma.changes else {
            Issue.record("one new client read the whole list again")
            return
        }
        #expect(changed.map(\.displayName) == ["gamma"])
        #expect(changed.first?.activeSecrets == 1)
        #expect(removed.isEmpty)

        // Bare SQL, as a restore script or a psql session would write: the triggers see it all the same.
        let seen = afterGamma.revision
        try registry.write { transaction in
            try transaction.execute("UPDATE secret SET state = 'removed' WHERE clientRowId = ?", alpha.id!)
            try transaction.execute("DELETE FROM secret WHERE clientRowId = ?", beta.id!)
            try transaction.execute("DELETE FROM client WHERE id = ?", beta.id!)
        }
        let afterSQL = try registry.consoleClientChanges(since: seen)
        #expect(afterSQL.changes == .rows(
            changed: [ConsoleClientRow(id: alpha.id!, displayName: "alpha", clientId: alpha.clientId, ownerTeam: nil,
                                       identityProviderId: idp.id!, environmentIds: [], activeSecrets: 0,
                                       nextExpiry: nil)],
            removed: [beta.id!]))
        // Everything since the older revision, once each.
        guard case .rows(let sinceStart, let goneSinceStart) = try registry.consoleClientChanges(since: start).changes
        else {
            Issue.record("the feed since the start read the whole list again")
            return
        }
        #expect(Set(sinceStart.map(\.id)) == [alpha.id!, gamma.id!])
        #expect(goneSinceStart == [beta.id!])

        // What no list row shows (an audit event alone) changes no row.
        let quiet = try registry.revision()
        try registry.write { transaction in
            try AuditTrail.append(transaction, at: fixture.clock.now, actor: "tests", action: "note", subject: "none")
        }
        #expect(try registry.consoleClientChanges(since: quiet).changes == .rows(changed: [], removed: []))
    }

    @Test func anEnvironmentOrAnIdentityProviderChangeMarksTheWholeList() async throws {
        let fixture = try TestRegistry()
        let registry = fixture.registry
        let (idp, sandbox) = try fixture.addSandbox()
        _ = try await fixture.registerClient("alpha", at: idp, sandbox: sandbox)
        let before = try registry.revision()
        _ = try registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .none, actor: "tests")
        #expect(try registry.consoleClientChanges(since: before).changes == .everything)
        let after = try registry.revision()
        #expect(try registry.consoleClientChanges(since: after).changes == .rows(changed: [], removed: []))
        _ = try fixture.addSandbox(name: "second")
        #expect(try registry.consoleClientChanges(since: after).changes == .everything)
    }

    @Test func aBulkChangeReadsTheWholeListAgain() async throws {
        let fixture = try TestRegistry()
        let registry = fixture.registry
        let (idp, sandbox) = try fixture.addSandbox()
        _ = try await fixture.registerClient("alpha", at: idp, sandbox: sandbox)
        let before = try registry.revision()
        try registry.write { transaction in
            for n in 0...Registry.mostChangesApplied {
                try transaction.execute(
                    "INSERT INTO client(identityProviderId, displayName, clientId, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)",
                    [.integer(idp.id!), .text("bulk-\(n)"), .text("bulk-id-\(n)"), .date(fixture.clock.now),
                     .date(fixture.clock.now)])
            }
        }
        #expect(try registry.consoleClientChanges(since: before).changes == .everything)
    }
}
