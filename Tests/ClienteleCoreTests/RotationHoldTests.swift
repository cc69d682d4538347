import Foundation
import GRDB
import Synchronization
import Testing
@testable import ClienteleCore

/// Retirement that waits for callers: an old secret used after the new one was delivered is never removed without
/// an operator's word.
@Suite struct RotationHoldTests {
    struct Fixture {
        let test: TestRegistry
        let sandbox: SandboxIdentityProvider
        let client: Client
        let original: SecretText
        let originalKeyId: String
        let service: RotationService
        var reference: RemoteClientReference { RemoteClientReference(client) }
    }

    /// The sandbox, or the sandbox behind an adapter that cannot say when secrets were used (OIDC, a tenant
    /// without AuditLog.Read.All).
    struct Adapters: IdentityProviderAdapters {
        let sandbox: SandboxIdentityProvider
        let usageKnown: Bool
        func adapter(for idp: IdentityProvider) throws -> any IdentityProviderAdapter {
            usageKnown ? sandbox : UsageUnknown(sandbox: sandbox)
        }
    }

    struct UsageUnknown: ForwardsToSandbox {
        let sandbox: SandboxIdentityProvider
        func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
            .unavailable("no record of use here")
        }
    }

    func fixture(usageKnown: Bool = true, holdStep: DurationText = .days(1), holdMax: DurationText = .days(2))
        async throws -> Fixture
    {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (client, original) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        let keyId = try #require(try await sandbox.client(RemoteClientReference(client))?.secrets.first?.keyId)
        let service = RotationService(
            registry: test.registry, adapters: Adapters(sandbox: sandbox, usageKnown: usageKnown),
            defaults: RotationDefaults(grace: .days(7), lifetime: .days(90), holdStep: holdStep, holdMax: holdMax))
        return Fixture(test: test, sandbox: sandbox, client: client, original: original, originalKeyId: keyId,
                       service: service)
    }

    /// Rotates with a file delivery and returns the new secret's text.
    func rotate(_ f: Fixture) async throws -> SecretText {
        let path = f.test.tempFile("new-\(UUID().uuidString).secret")
        let outcome = try await f.service.rotate(
            RotationRequest(client: "billing-api", delivery: .file(path: path)), actor: "alice",
            deliverer: .unattended)
        guard case .inGrace = outcome.status else { throw ClienteleError.conflict("expected grace, got \(outcome.status)") }
        return SecretText(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines))
    }

    func auditActions(_ f: Fixture) throws -> [(String, [String: String])] {
        try f.test.registry.auditEvents(limit: 1000).reversed().map {
            ($0.action, Dictionary($0.detailPairs, uniquingKeysWith: { first, _ in first }))
        }
    }

    @Test func anOldSecretUsedAfterDeliveryHoldsTheRotationAndIsKept() async throws {
        let f = try await fixture()
        let new = try await rotate(f)
        f.test.clock.advance(days: 3)
        // A caller that never switched: its sign-in is a use of the old secret.
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        f.test.clock.advance(days: 5)

        let outcome = try #require(try await f.service.advanceAll(actor: "cron").first?.get())
        guard case .held(let keyId, let lastUsedAt, let until, _) = outcome.status else {
            Issue.record("expected held, got \(outcome.status)")
            return
        }
        #expect(keyId == f.originalKeyId)
        #expect(lastUsedAt == f.test.clock.now - 5 * 86_400)
        #expect(until == f.test.clock.now + 86_400)
        #expect(outcome.summary.contains("old secret \(f.originalKeyId.prefix(8)) used 5 d ago: holding until"))
        // Both secrets still work; the registry says why the old one is kept.
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        #expect(try await f.sandbox.verify(new, for: f.reference) == .accepted)
        let held = try #require(try auditActions(f).last { $0.0 == "rotation.held-in-use" })
        #expect(held.1["keyId"] == f.originalKeyId)
        #expect(held.1["lastUsedAt"] == Timestamp.iso8601(lastUsedAt))
        #expect(held.1["holdingUntil"] == Timestamp.iso8601(f.test.clock.now + 86_400))
        let old = try #require(try f.test.registry.clientDetail(f.client.id!).secrets.first { $0.keyId == f.originalKeyId })
        #expect(old.state == .grace && old.graceUntil == f.test.clock.now + 86_400)
        #expect(old.lastUsedAt == lastUsedAt)
        let listing = try #require(try f.test.registry.rotations().first)
        #expect(listing.holdText(now: f.test.clock.now)?.hasPrefix("old secret \(f.originalKeyId.prefix(8)) used") == true)
    }

    @Test func aHoldEndsOnItsOwnOnceNoNewUseAppears() async throws {
        let f = try await fixture()
        _ = try await rotate(f)
        f.test.clock.advance(days: 6)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        f.test.clock.advance(days: 1.5)
        guard case .held = try #require(try await f.service.advanceAll(actor: "cron").first?.get()).status else {
            Issue.record("expected a hold")
            return
        }
        // The caller switched: no use of the old secret during the hold step.
        f.test.clock.advance(days: 1.5)
        let outcome = try #require(try await f.service.advanceAll(actor: "cron").first?.get())
        #expect(outcome.status == .completed)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) != .accepted)
    }

    @Test func theSameSignInReadAgainIsNotANewerUseWhateverItsDigits() async throws {
        let f = try await fixture()
        _ = try await rotate(f)
        var rotation = try #require(try f.test.registry.openRotations().first)
        let keyId = try #require(rotation.retiringKeyIds.first)
        let signIn = rotation.callersHadNewSecretAt + 3_600.123_456_7
        // What the registry gives back of the last hold's use: its milliseconds, as a binary fraction a hair below.
        rotation.heldLastUsedAt = Date(timeIntervalSince1970: (signIn.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
            .addingTimeInterval(-1e-7)
        let hold = RotationHold(step: .days(1), max: .days(14))
        let now = signIn + 86_400
        #expect(hold.decide(rotation, report: .available(lastUsed: [keyId: signIn]), now: now) == .retire)
        let later = signIn + 0.002
        #expect(hold.decide(rotation, report: .available(lastUsed: [keyId: later]), now: now)
            == .extend(keyId: keyId, lastUsedAt: later, until: now + 86_400))
    }

    @Test func aSecretStillInUseAtTheHoldMaxWaitsForAnOperator() async throws {
        let f = try await fixture(holdStep: .days(1), holdMax: .days(2))
        _ = try await rotate(f)
        for _ in 0..<3 {
            f.test.clock.advance(days: 0.5)
            #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
            f.test.clock.advance(days: 7)
            _ = await f.service.advanceAll(actor: "cron")
        }
        let rotation = try #require(try f.test.registry.rotations().first?.rotation)
        #expect(rotation.step == .grace && rotation.graceUntil == nil && rotation.graceExtendedSeconds == 2 * 86_400)
        let holds = try auditActions(f).filter { $0.0 == "rotation.held-in-use" }.map { $0.1["holdingUntil"] }
        #expect(holds.count == 3 && holds.last == "operator")

        // Cron never removes it, however long it runs.
        f.test.clock.advance(days: 30)
        let waiting = try #require(try await f.service.advanceAll(actor: "cron").first?.get())
        guard case .held(_, _, nil, _) = waiting.status else {
            Issue.record("expected a hold for an operator, got \(waiting.status)")
            return
        }
        #expect(waiting.summary.contains("--end-grace --yes"))
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)

        // The operator is shown the last use and must say yes.
        #expect {
            try f.service.endGrace(rotation.id!, actor: "alice")
        } throws: { error in
            guard case ClienteleError.confirmationRequired(let line) = error else { return false }
            return line.contains("old secret \(f.originalKeyId.prefix(8)) was used") && line.contains("--yes")
        }
        try f.service.endGrace(rotation.id!, actor: "alice", confirmed: true)
        let done = try await f.service.run(rotation.id!, actor: "alice", deliverer: .unattended)
        #expect(done.status == .completed)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) != .accepted)
        let ended = try #require(try auditActions(f).last { $0.0 == "rotation.grace-ended-early" })
        #expect(ended.1["keyId"] == f.originalKeyId)
    }

    @Test func useBeforeDeliveryDoesNotHold() async throws {
        let f = try await fixture()
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        f.test.clock.advance(days: 0.1)
        _ = try await rotate(f)
        f.test.clock.advance(days: 8)
        let outcome = try #require(try await f.service.advanceAll(actor: "cron").first?.get())
        #expect(outcome.status == .completed)
    }

    @Test func anIdPThatCannotSayRetiresAsBefore() async throws {
        let f = try await fixture(usageKnown: false)
        _ = try await rotate(f)
        f.test.clock.advance(days: 3)
        #expect(try await f.sandbox.verify(f.original, for: f.reference) == .accepted)
        f.test.clock.advance(days: 5)
        let outcome = try #require(try await f.service.advanceAll(actor: "cron").first?.get())
        #expect(outcome.status == .completed)
        let idp = try f.test.registry.identityProvider(id: f.client.identityProviderId)
        #expect(idp.usageUnavailable == "no record of use here")
    }

    @Test func endingAGraceWithNoRecordedUseNeedsNoConfirmation() async throws {
        let f = try await fixture()
        _ = try await rotate(f)
        let rotation = try #require(try f.test.registry.rotations().first?.rotation)
        try f.service.endGrace(rotation.id!, actor: "alice")
        #expect(try await f.service.run(rotation.id!, actor: "alice", deliverer: .unattended).status == .completed)
    }
}
