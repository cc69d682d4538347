import Foundation
import GRDB
import Testing
@testable import ClienteleCore

@Suite struct SecretRemovalTests {
    struct Fixture {
        let test: TestRegistry
        let sandbox: SandboxIdentityProvider
        let client: Client
        let original: SecretText
        let removal: SecretRemoval
        var reference: RemoteClientReference { RemoteClientReference(client) }

        func secrets() throws -> [SecretMetadata] { try test.registry.clientDetail(client.id!).secrets }
    }

    func fixture() async throws -> Fixture {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (client, original) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        let removal = SecretRemoval(
            registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        return Fixture(test: test, sandbox: sandbox, client: client, original: original, removal: removal)
    }

    /// A second secret created at the IdP and recorded, as `sync` would.
    func addSecond(_ f: Fixture) async throws -> (SecretMetadata, SecretText) {
        let added = try await f.sandbox.addSecret(to: f.reference, displayName: "second", expiresAt: f.test.clock.now + 90 * 86_400)
        let clientRowId = f.client.id!
        let metadata = try f.test.registry.write { transaction in
            var metadata = SecretMetadata(
                clientRowId: clientRowId, keyId: added.metadata.keyId, hint: added.metadata.hint,
                displayName: added.metadata.displayName, createdAt: added.metadata.createdAt,
                expiresAt: added.metadata.expiresAt, state: .active, origin: .discovered)
            try transaction.insert(&metadata)
            return metadata
        }
        return (metadata, added.text)
    }

    @Test func removesAtTheIdPThenRecordsItWithAnAuditEvent() async throws {
        let f = try await fixture()
        let (second, secondText) = try await addSecond(f)
        let preview = try f.removal.preview(client: "billing-api", keyId: second.keyId)
        #expect(preview.remainingLive == 1)
        #expect(preview.consequences.contains { $0.contains("1 other working secret") })

        let removed = try await f.removal.remove(client: "billing-api", keyId: second.keyId, actor: "alice")
        #expect(removed.secret.keyId == second.keyId)
        #expect(try await f.sandbox.verify(secondText, for: f.reference) != .accepted)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        let recorded = try #require(try f.secrets().first { $0.keyId == second.keyId })
        #expect(recorded.state == .removed)
        #expect(recorded.removedAt == f.test.clock.now)

        let event = try #require(try f.test.registry.auditEvents(limit: 1).first)
        #expect(event.action == "secret.removed")
        #expect(event.actor == "alice")
        #expect(event.subject == "client billing-api")
        #expect(event.details.contains(second.keyId))
        #expect(!event.details.contains(secondText.reveal()))
        #expect(try f.test.registry.verifyAuditTrail() == .intact(events: try f.test.registry.auditEvents(limit: 100).count))
    }

    @Test func theLastWorkingSecretIsSaidSoAndCanStillBeRemoved() async throws {
        let f = try await fixture()
        let only = try #require(try f.secrets().first)
        let preview = try f.removal.preview(client: "billing-api", keyId: String(only.keyId.prefix(6)))
        #expect(preview.remainingLive == 0)
        #expect(preview.consequences.contains { $0.contains("last working secret") })
        try await f.removal.remove(client: "billing-api", keyId: only.keyId, actor: "alice")
        #expect(try await f.sandbox.verify(f.original, for: f.reference) != .accepted)
        #expect(try f.secrets().allSatisfy { $0.state == .removed })
    }

    @Test func anExpiredSecretIsSaidToBeOnlyTidyingUp() async throws {
        let f = try await fixture()
        let (second, _) = try await addSecond(f)
        f.test.clock.advance(days: 120)  // past the second secret's 90 days, within the first one's 180
        let preview = try f.removal.preview(client: "billing-api", keyId: second.keyId)
        #expect(preview.consequences.first?.contains("only tidies up") == true)
        #expect(preview.consequences.contains { $0.contains("1 working secret") })
        f.test.clock.advance(days: 90)  // now both have expired
        let lastOne = try f.removal.preview(client: "billing-api", keyId: second.keyId)
        #expect(lastOne.consequences.contains { $0.contains("no working secret either way") })
    }

    @Test func badKeyIdsChangeNothing() async throws {
        let f = try await fixture()
        _ = try await addSecond(f)
        let revision = try f.test.registry.revision()
        let only = try #require(try f.secrets().first)

        await #expect(throws: ClienteleError.self) {
            try await f.removal.remove(client: "billing-api", keyId: "abc", actor: "alice")
        }
        do {
            try await f.removal.remove(client: "billing-api", keyId: "ffffffff-0000", actor: "alice")
            Issue.record("an unknown key id was accepted")
        } catch let error as ClienteleError {
            guard case .notFound(let message) = error else { Issue.record("expected notFound, got \(error)"); return }
            #expect(message.contains("billing-api") && message.contains("ffffffff-0000"))
        }
        await #expect(throws: ClienteleError.self) {
            try await f.removal.remove(client: "no-such-client", keyId: only.keyId, actor: "alice")
        }
        #expect(try f.test.registry.revision() == revision)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
    }

    @Test func aRemovedSecretCannotBeRemovedAgain() async throws {
        let f = try await fixture()
        let (second, _) = try await addSecond(f)
        try await f.removal.remove(client: "billing-api", keyId: second.keyId, actor: "alice")
        await #expect(throws: ClienteleError.self) {
            try await f.removal.remove(client: "billing-api", keyId: second.keyId, actor: "alice")
        }
    }

    @Test func aSecretInAnOpenRotationIsLeftToTheRotation() async throws {
        let f = try await fixture()
        let old = try #require(try f.secrets().first)
        let service = RotationService(
            registry: f.test.registry, adapters: StandardAdapters(registry: f.test.registry))
        let outcome = try await service.rotate(
            RotationRequest(client: "billing-api", grace: .days(7), delivery: .file(path: f.test.tempFile("new.secret"))),
            actor: "alice", deliverer: .unattended)
        guard case .inGrace = outcome.status else { Issue.record("expected grace, got \(outcome.status)"); return }
        let revision = try f.test.registry.revision()
        do {
            try await f.removal.remove(client: "billing-api", keyId: old.keyId, actor: "alice")
            Issue.record("removed a secret a rotation is retiring")
        } catch let error as ClienteleError {
            guard case .conflict(let message) = error else { Issue.record("expected conflict, got \(error)"); return }
            #expect(message.contains("rotation #"))
        }
        #expect(try f.test.registry.revision() == revision)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
    }
}
