import Foundation
import Synchronization
import Testing
@testable import ClienteleCore

/// A sync records the IdP's listing page by page: a listing that stops midway leaves a consistent, audited registry
/// that the next sync completes, and a client listed on two pages is recorded once. Runs on either engine.
@Suite struct SyncPagesTests {
    /// The sandbox's clients in name order, handed over `pageSize` at a time; `repeatAcrossPages` lists each page's
    /// last client again at the head of the next page (a listing that moved while it was read); the listing throws
    /// when asked for page `failingAt`.
    struct Paged: ForwardsToSandbox {
        let sandbox: SandboxIdentityProvider
        let pageSize: Int
        var repeatAcrossPages = false
        var failingAt: Int? = nil

        func discoverClients(pageByPage receive: @Sendable ([RemoteClient]) async throws -> Void) async throws {
            let all = try await sandbox.discoverClients().sorted { $0.displayName < $1.displayName }
            var pages = stride(from: 0, to: all.count, by: pageSize).map { Array(all[$0..<min($0 + pageSize, all.count)]) }
            if repeatAcrossPages {
                for index in pages.indices.dropFirst() { pages[index].insert(pages[index - 1].last!, at: 0) }
            }
            for (index, page) in pages.enumerated() {
                if index + 1 == failingAt { throw ClienteleError.identityProvider("IdP sandbox: page \(index + 1) refused") }
                try await receive(page)
            }
        }
    }

    struct Adapters: IdentityProviderAdapters {
        let adapter: Paged
        func adapter(for idp: IdentityProvider) throws -> any IdentityProviderAdapter { adapter }
    }

    /// What the registry holds of the IdP's clients: each client id with its live key ids, and every sync event.
    func recorded(_ test: TestRegistry) throws -> (clients: [String: [String]], rows: Int, secretRows: Int, events: [String]) {
        try test.registry.read { transaction in
            var clients: [String: [String]] = [:]
            try transaction.forEachRow("""
                SELECT client.displayName, secret.keyId FROM client LEFT JOIN secret ON secret.clientRowId = client.id
                  AND secret.state <> 'removed' ORDER BY client.displayName, secret.keyId
                """, []) { row in
                clients[try row.string(0), default: []] += try row.optionalString(1).map { [$0] } ?? []
            }
            let rows = try transaction.int64("SELECT count(*) FROM client") ?? 0
            let secretRows = try transaction.int64("SELECT count(*) FROM secret") ?? 0
            let events = try transaction.fetchAll(
                "SELECT action, details FROM auditEvent WHERE action LIKE 'sync.%' ORDER BY id", []) { row in
                "\(try row.string(0)) \(try row.string(1))"
            }
            return (clients, Int(rows), Int(secretRows), events)
        }
    }

    @Test func aClientListedOnTwoPagesIsRecordedOnce() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        for index in 1...5 { _ = try await sandbox.register(displayName: "app-\(index)", secretLifetime: 86_400 * 90) }
        let service = SyncService(
            registry: test.registry,
            adapters: Adapters(adapter: Paged(sandbox: sandbox, pageSize: 2, repeatAcrossPages: true)))

        let report = try await service.sync(idp: idp, actor: "tests")

        #expect(report.importedClients == ["app-1", "app-2", "app-3", "app-4", "app-5"])
        #expect(report.clientsAtIdP == 5)
        #expect(report.secretsUnknownToRegistry.isEmpty)
        let state = try recorded(test)
        #expect(state.rows == 5)
        #expect(state.secretRows == 5)
        #expect(state.clients.values.allSatisfy { $0.count == 1 })
        #expect(state.events.last?.hasPrefix(#"sync.completed {"clientsAtIdP":"5","clientsGone":"0","imported":"5""#) == true)
        #expect(try test.registry.verifyAuditTrail().isIntact)

        // Listed the same way again, nothing is new.
        let again = try await service.sync(idp: idp, actor: "tests")
        #expect(again.importedClients.isEmpty && !again.hasDrift)
        #expect(try recorded(test).secretRows == 5)
    }

    @Test func aListingThatStopsMidwayIsCompletedByTheNextSync() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        // A recorded client whose secret the IdP has dropped: only a whole listing may say it is gone.
        let (kept, _) = try await test.registerClient("app-0", at: idp, sandbox: sandbox)
        let dropped = try #require(try await sandbox.client(RemoteClientReference(kept))?.secrets.first)
        _ = try await sandbox.addSecret(to: RemoteClientReference(kept), displayName: "second", expiresAt: nil)
        try await sandbox.removeSecret(dropped.keyId, from: RemoteClientReference(kept))
        for index in 1...5 { _ = try await sandbox.register(displayName: "app-\(index)", secretLifetime: 86_400 * 90) }
        let before = try recorded(test)

        // Pages of two: app-0 app-1 | app-2 app-3 | app-4 app-5. The third page is refused.
        let failing = SyncService(
            registry: test.registry, adapters: Adapters(adapter: Paged(sandbox: sandbox, pageSize: 2, failingAt: 3)))
        await #expect(throws: ClienteleError.self) { try await failing.sync(idp: idp, actor: "tests") }

        // The first page was recorded, audited by what it imported; the page held for the transaction that closes
        // the sync was not; nothing was marked gone and the sync is not recorded as completed.
        let stopped = try recorded(test)
        #expect(stopped.rows == 2)
        #expect(stopped.clients["app-0"]?.count == 2)
        #expect(stopped.clients["app-0"]?.contains(dropped.keyId) == true)
        #expect(stopped.clients["app-1"]?.count == 1)
        #expect(stopped.events.count == before.events.count + 2)
        #expect(stopped.events.contains { $0.hasPrefix("sync.secret-found-at-idp") })
        #expect(stopped.events.last == #"sync.clients-imported {"idp":"sandbox","imported":"1","throughPage":"1"}"#)
        #expect(try test.registry.verifyAuditTrail().isIntact)

        let service = SyncService(
            registry: test.registry, adapters: Adapters(adapter: Paged(sandbox: sandbox, pageSize: 2)))
        let report = try await service.sync(idp: idp, actor: "tests")

        #expect(report.importedClients == ["app-2", "app-3", "app-4", "app-5"])
        #expect(report.secretsUnknownToRegistry.isEmpty)
        #expect(report.secretsGoneAtIdP.map(\.keyId) == [dropped.keyId])
        let done = try recorded(test)
        #expect(done.rows == 6)
        #expect(done.secretRows == 7)
        #expect(done.clients.values.allSatisfy { $0.count == 1 })
        #expect(done.clients["app-0"]?.contains(dropped.keyId) == false)
        #expect(done.events.suffix(3) == [
            #"sync.clients-imported {"idp":"sandbox","imported":"2","throughPage":"2"}"#,
            #"sync.secret-gone-at-idp {"idp":"sandbox","keyId":"\#(dropped.keyId)"}"#,
            #"sync.completed {"clientsAtIdP":"6","clientsGone":"0","imported":"4","secretsFound":"0","secretsGone":"1"}"#,
        ])
        #expect(try test.registry.verifyAuditTrail().isIntact)
    }
}
