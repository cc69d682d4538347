import Foundation
import GRDB
import Testing
@testable import ClienteleCore

/// Audit events are tied to their client by row id: one display name at two IdPs is two clients with two histories.
@Suite struct AuditClientLinkTests {
    struct Twins {
        let test: TestRegistry
        let first: Client
        let second: Client
    }

    /// Two clients named `twin-api`, one at each of two IdPs, and a third client, each recorded with its events.
    func twins() async throws -> Twins {
        let test = try TestRegistry(engine: .sqlite)
        _ = try test.registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .kong, actor: "tests")
        let (entra, entraSandbox) = try test.addSandbox(name: "entra")
        let (oidc, oidcSandbox) = try test.addSandbox(name: "oidc", profile: .oidc)
        let (first, _) = try await test.registerClient("twin-api", at: entra, sandbox: entraSandbox)
        let (second, _) = try await test.registerClient("twin-api", at: oidc, sandbox: oidcSandbox)
        _ = try await test.registerClient("other-api", at: entra, sandbox: entraSandbox)
        try test.registry.setMembership(client: "#\(first.id!)", environment: "Prod", member: true, actor: "alice")
        return Twins(test: test, first: first, second: second)
    }

    /// Writes to the registry file directly, as a v1 registry or a tamperer would have it (synchronously: from an
    /// async test GRDB would pick its async overload).
    @discardableResult
    func direct<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        try DatabaseQueue(path: path).write { db in try body(db) }
    }

    @Test func aClientPageShowsOnlyItsOwnEventsWhenItsNameIsShared() async throws {
        let t = try await twins()
        let first = try t.test.registry.clientDetail(t.first.id!).recentEvents
        let second = try t.test.registry.clientDetail(t.second.id!).recentEvents
        #expect(first.map(\.action) == ["client.joined-environment", "client.recorded"])
        #expect(second.map(\.action) == ["client.recorded"])
        #expect(first.allSatisfy { $0.clientRowId == t.first.id } && second.allSatisfy { $0.clientRowId == t.second.id })
        #expect(try t.test.registry.verifyAuditTrail().isIntact)
    }

    @Test func repointingAnEventAtAnotherClientBreaksTheChain() async throws {
        let t = try await twins()
        let event = try #require(try t.test.registry.clientDetail(t.first.id!).recentEvents.first)
        let other = t.second.id
        try direct(t.test.path) { db in
            try db.execute(sql: "UPDATE auditEvent SET clientRowId = ? WHERE id = ?", arguments: [other, event.id])
        }
        guard case .broken(let id, _, let reason) = try t.test.registry.verifyAuditTrail() else {
            Issue.record("moving an event to another client's page went unnoticed")
            return
        }
        #expect(id == event.id && reason.contains("was altered"))
    }

    @Test func movingTheMarkWhereHashesStartCoveringTheRowIdBreaksTheChain() async throws {
        // Moved later, events whose hashes cover the row id would be checked as if they did not: a mismatch. (Moved
        // earlier it would do the same to v1 events; a fresh registry has none.)
        let t = try await twins()
        for mark in ["2", "1000"] {
            try direct(t.test.path) { db in try RegistryInfo.set(SQLiteTransaction(db), key: AuditTrail.clientRowIdsHashedFromKey, value: mark) }
            #expect(!(try t.test.registry.verifyAuditTrail().isIntact), "mark \(mark)")
        }
    }

    /// What a v1 registry held: the same events with no row id, their hashes over the v1 fields only.
    func asWrittenByVersion1(_ t: Twins) throws {
        try direct(t.test.path) { db in
            try db.execute(sql: "UPDATE auditEvent SET clientRowId = NULL")
            try RegistryInfo.set(SQLiteTransaction(db), key: AuditTrail.clientRowIdsHashedFromKey, value: String(Int64.max))
        }
    }

    @Test func backfillLinksWhatTheDetailsSettleAndLeavesTheAmbiguousUnlinked() async throws {
        let t = try await twins()
        try asWrittenByVersion1(t)
        let outcome = try direct(t.test.path) { db in try AuditClientBackfill.run(db) }
        // client.recorded names its client id and IdP: linked. The membership event says only "twin-api" and an
        // environment, which fits both twins: left unlinked, so it shows on neither page rather than on the wrong one.
        #expect(outcome == AuditClientBackfill.Outcome(linked: 3, unresolved: 1))
        #expect(try t.test.registry.clientDetail(t.first.id!).recentEvents.map(\.action) == ["client.recorded"])
        #expect(try t.test.registry.clientDetail(t.second.id!).recentEvents.map(\.action) == ["client.recorded"])
        let other = try t.test.registry.resolveClient("other-api")
        #expect(try t.test.registry.clientDetail(other.id!).recentEvents.map(\.action) == ["client.recorded"])
    }

    @Test func backfillLinksByNameAloneWhenOnlyOneClientHadIt() async throws {
        let t = try await twins()
        try t.test.registry.setMembership(client: "other-api", environment: "Prod", member: true, actor: "alice")
        try asWrittenByVersion1(t)
        try direct(t.test.path) { db in try AuditClientBackfill.run(db) }
        let other = try t.test.registry.resolveClient("other-api")
        #expect(try t.test.registry.clientDetail(other.id!).recentEvents.map(\.action)
            == ["client.joined-environment", "client.recorded"])
    }

    @Test func backfillLeavesAnEventOlderThanEveryClientOfItsName() async throws {
        // A client deleted and its name reused: the old client's events predate the new one and are not its.
        let t = try await twins()
        try asWrittenByVersion1(t)
        let other = try t.test.registry.resolveClient("other-api")
        let later = t.test.clock.now + 86_400
        try direct(t.test.path) { db in
            try db.execute(sql: "UPDATE client SET createdAt = ? WHERE id = ?", arguments: [later, other.id])
            try AuditClientBackfill.run(db)
        }
        #expect(try t.test.registry.clientDetail(other.id!).recentEvents.isEmpty)
    }

    @Test func theMigrationMarksWhereHashesStartCoveringTheRowId() throws {
        let test = try TestRegistry(engine: .sqlite)
        let mark = try DatabaseQueue(path: test.path).read { db in
            try RegistryInfo.value(SQLiteTransaction(db), key: AuditTrail.clientRowIdsHashedFromKey)
        }
        #expect(mark == "1")
        #expect(try DatabaseQueue(path: test.path).read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
            == RegistrySchema.version)
    }
}
