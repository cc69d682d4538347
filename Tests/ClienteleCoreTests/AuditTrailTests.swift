import Foundation
import GRDB
import Testing
@testable import ClienteleCore

@Suite struct AuditTrailTests {
    func registryWithEvents(_ count: Int) throws -> TestRegistry {
        let test = try TestRegistry(engine: .sqlite)
        for index in 1...count {
            _ = try test.registry.addEnvironment(name: "env-\(index)", businessGroup: nil, gateway: .kong, actor: "alice")
        }
        return test
    }

    func tamper(_ test: TestRegistry, _ sql: String) throws {
        try DatabaseQueue(path: test.path).write { db in try db.execute(sql: sql) }
    }

    @Test func chainVerifiesWhenUntouched() throws {
        let test = try registryWithEvents(5)
        #expect(try test.registry.verifyAuditTrail() == .intact(events: 5))
    }

    @Test func namesTheAlteredEvent() throws {
        let test = try registryWithEvents(5)
        try tamper(test, "UPDATE auditEvent SET actor = 'mallory' WHERE id = 3")
        guard case .broken(let id, let checked, let reason) = try test.registry.verifyAuditTrail() else {
            Issue.record("tampering went unnoticed")
            return
        }
        #expect(id == 3 && checked == 2)
        #expect(reason.contains("#3 was altered"))
    }

    @Test func namesARemovedEvent() throws {
        let test = try registryWithEvents(5)
        try tamper(test, "DELETE FROM auditEvent WHERE id = 2")
        guard case .broken(_, _, let reason) = try test.registry.verifyAuditTrail() else {
            Issue.record("removal went unnoticed")
            return
        }
        #expect(reason.contains("#2 was removed"))
    }

    @Test func noticesEventsCutFromTheEnd() throws {
        let test = try registryWithEvents(5)
        try tamper(test, "DELETE FROM auditEvent WHERE id >= 4")
        guard case .broken(_, _, let reason) = try test.registry.verifyAuditTrail() else {
            Issue.record("truncation went unnoticed")
            return
        }
        #expect(reason.contains("#4–#5 were removed from the end"))
    }

    @Test func aRecomputedChainStillFailsAgainstTheHead() throws {
        // Someone who edits an event and recomputes every later hash still has to forge the head record too.
        let test = try registryWithEvents(3)
        let events = try test.registry.auditEvents(limit: 10).reversed()
        var previous = AuditTrail.genesisHash
        try DatabaseQueue(path: test.path).write { db in
            for event in events {
                let subject = event.id == 2 ? "environment forged" : event.subject
                let hash = AuditTrail.hash(id: event.id!, at: event.at, actor: event.actor, action: event.action,
                                           subject: subject, details: event.details, previousHash: previous)
                try db.execute(sql: "UPDATE auditEvent SET subject = ?, previousHash = ?, hash = ? WHERE id = ?",
                               arguments: [subject, previous, hash, event.id])
                previous = hash
            }
        }
        #expect(!(try test.registry.verifyAuditTrail().isIntact))
    }

    @Test func exportQuotesAndDefusesCSV() {
        #expect(AuditExport.csvField("plain") == "plain")
        #expect(AuditExport.csvField("a,b") == "\"a,b\"")
        #expect(AuditExport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AuditExport.csvField("=cmd()") == "'=cmd()")
    }
}
