import Foundation
import GRDB
import Synchronization
import Testing
@testable import ClienteleCore

@Suite struct RotationServiceTests {
    struct Fixture {
        let test: TestRegistry
        let idp: IdentityProvider
        let sandbox: SandboxIdentityProvider
        let client: Client
        let original: SecretText
        let service: RotationService
    }

    func fixture(profile: SandboxProfile = .entra) async throws -> Fixture {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox(profile: profile)
        let (client, original) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        let service = RotationService(
            registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        return Fixture(test: test, idp: idp, sandbox: sandbox, client: client, original: original, service: service)
    }

    /// Captures the secret shown "on the terminal".
    final class Shown: Sendable {
        let secret = Mutex<SecretText?>(nil)
        var deliverer: SecretDeliverer { SecretDeliverer(showOnce: { text, _ in self.secret.withLock { $0 = text } }) }
    }

    @Test func overlapRotationKeepsTheOldSecretThroughGrace() async throws {
        let f = try await fixture()
        let shown = Shown()
        let outcome = try await f.service.rotate(
            RotationRequest(client: "billing-api", grace: .days(7), delivery: .terminal), actor: "alice",
            deliverer: shown.deliverer)
        guard case .inGrace(let until) = outcome.status else {
            Issue.record("expected grace, got \(outcome.status)")
            return
        }
        #expect(until == f.test.clock.now + 7 * 86_400)
        let new = try #require(shown.secret.withLock { $0 })
        let reference = RemoteClientReference(f.client)
        #expect(try await f.sandbox.verify(new, for: reference) == .accepted)
        #expect(try await f.sandbox.verify(f.original, for: reference) == .accepted)

        f.test.clock.advance(days: 6)
        _ = await f.service.advanceAll(actor: "cron")
        #expect(try await f.sandbox.verify(f.original, for: reference) == .accepted)

        // Those checks were sign-ins with the old secret after delivery, as a caller's would be: the grace's end
        // holds the rotation for a day, and the next look, with no use since, retires it.
        f.test.clock.advance(days: 2)
        let results = await f.service.advanceAll(actor: "cron")
        #expect(results.count == 1)
        guard case .held = try results[0].get().status else { Issue.record("expected a hold"); return }
        f.test.clock.advance(days: 1)
        #expect(try await f.service.advanceAll(actor: "cron").first?.get().status == .completed)
        #expect(try await f.sandbox.verify(f.original, for: reference) != .accepted)
        #expect(try await f.sandbox.verify(new, for: reference) == .accepted)
        let states = try f.test.registry.clientDetail(f.client.id!).secrets.map(\.state)
        #expect(states.sorted { $0.rawValue < $1.rawValue } == [.active, .removed])
    }

    @Test func noOverlapNeedsConfirmationAndReplacesAtOnce() async throws {
        let f = try await fixture(profile: .oidc)
        let shown = Shown()
        let request = RotationRequest(client: "billing-api", delivery: .terminal)
        await #expect(throws: ClienteleError.self) {
            _ = try await f.service.rotate(request, actor: "alice", deliverer: shown.deliverer)
        }
        #expect(try f.test.registry.rotations(includeFinished: true).isEmpty)
        var confirmed = request
        confirmed.confirmed = true
        let outcome = try await f.service.rotate(confirmed, actor: "alice", deliverer: shown.deliverer)
        #expect(outcome.status == .completed)
        #expect(try await f.sandbox.verify(f.original, for: RemoteClientReference(f.client)) != .accepted)
    }

    @Test func failedCommandWithdrawsTheNewSecretAndStaysResumable() async throws {
        let f = try await fixture()
        await #expect(throws: ClienteleError.self) {
            _ = try await f.service.rotate(
                RotationRequest(client: "billing-api", grace: .days(1), delivery: .command("exit 7")), actor: "alice",
                deliverer: .unattended)
        }
        let rotation = try #require(try f.test.registry.rotations().first?.rotation)
        #expect(rotation.step == .planned)
        #expect(rotation.lastError?.contains("exited 7") == true)
        let remote = try #require(try await f.sandbox.client(RemoteClientReference(f.client)))
        #expect(remote.secrets.count == 1)
        #expect(try await f.sandbox.verify(f.original, for: RemoteClientReference(f.client)) == .accepted)
    }

    @Test func lifetimeOverTheIdPsCapIsRefusedBeforeAnyChange() async throws {
        let f = try await fixture()
        let revision = try f.test.registry.revision()
        await #expect(throws: ClienteleError.invalidInput("--lifetime 800d exceeds what IdP 'sandbox' allows (730d)")) {
            _ = try await f.service.rotate(
                RotationRequest(client: "billing-api", grace: .days(1), lifetime: .days(800), delivery: .terminal),
                actor: "alice", deliverer: Shown().deliverer)
        }
        #expect(try f.test.registry.revision() == revision)
    }

    @Test func aRequestThatAnOpenRotationCannotTakeIsRefusedAndChangesNothing() async throws {
        let f = try await fixture()
        _ = try await f.service.rotate(
            RotationRequest(client: "billing-api", grace: .days(7), delivery: .terminal), actor: "alice",
            deliverer: Shown().deliverer)
        let revision = try f.test.registry.revision()
        let file = f.test.tempFile("missing-folder/new.secret")
        for request in [
            RotationRequest(client: "billing-api", delivery: .file(path: file)),
            RotationRequest(client: "billing-api", grace: .days(2)),
            RotationRequest(client: "billing-api", lifetime: .days(30)),
        ] {
            await #expect {
                _ = try await f.service.rotate(request, actor: "alice", deliverer: .unattended)
            } throws: { error in
                let line = "\(error)"
                return line.contains("rotation #1 open at 'in grace'") && line.contains("rotations advance 1 --end-grace")
                    && line.contains("`clientele rotate billing-api` with no delivery")
            }
        }
        #expect(try f.test.registry.revision() == revision)
        #expect(!FileManager.default.fileExists(atPath: file))
        // Without such flags, or with the ones it has, it resumes.
        let resumed = try await f.service.rotate(
            RotationRequest(client: "billing-api", grace: .days(7), delivery: .terminal), actor: "alice",
            deliverer: .unattended)
        guard case .inGrace = resumed.status else { Issue.record("\(resumed.status)"); return }
        #expect(try await f.service.rotate(RotationRequest(client: "billing-api"), actor: "alice",
                                          deliverer: .unattended).rotation.id == 1)
    }

    @Test func graceIsBoundedByTheIdP() async throws {
        let f = try await fixture()
        await #expect(throws: ClienteleError.invalidInput(
            "--grace 9999d is longer than IdP 'sandbox' lets a secret live (730d): the old secret would expire before the grace period ended"
        )) {
            _ = try await f.service.preview(RotationRequest(client: "billing-api", grace: .days(9999)))
        }
        let single = try await fixture(profile: .oidc)
        await #expect {
            _ = try await single.service.preview(RotationRequest(client: "billing-api", grace: .days(1)))
        } throws: { error in "\(error)".contains("--grace 1d: IdP 'sandbox' keeps one secret per client") }
        // Not asked, the default grace does not apply where there is no overlap; 0 is what it is anyway.
        #expect(try await single.service.preview(RotationRequest(client: "billing-api")).grace.seconds == 0)
        #expect(try await single.service.preview(RotationRequest(client: "billing-api", grace: .days(0))).grace.seconds == 0)
        // A configured default over the cap names the configuration.
        let configured = RotationService(
            registry: f.test.registry, adapters: StandardAdapters(registry: f.test.registry),
            defaults: RotationDefaults(grace: .days(1000), lifetime: .days(365)))
        await #expect {
            _ = try await configured.preview(RotationRequest(client: "billing-api"))
        } throws: { error in "\(error)".contains("the configuration's rotation.grace (1000d)") }
    }

    @Test func concurrentAdvancesFinishARotationOnce() async throws {
        let f = try await fixture()
        _ = try await f.service.rotate(
            RotationRequest(client: "billing-api", grace: .days(1), delivery: .terminal), actor: "alice",
            deliverer: Shown().deliverer)
        f.test.clock.advance(days: 2)
        let otherRegistry = try Registry.open(at: f.test.location, clock: f.test.clock.clock)
        let other = RotationService(registry: otherRegistry, adapters: StandardAdapters(registry: otherRegistry))
        async let first = f.service.advanceAll(actor: "cron-1")
        async let second = other.advanceAll(actor: "cron-2")
        _ = await (first, second)
        let completions = try f.test.registry.auditEvents(mentioning: "rotation.completed", limit: 10)
        #expect(completions.count == 1)
        #expect(try f.test.registry.verifyAuditTrail().isIntact)
    }

    @Test func secretTextNeverPrints() {
        let secret = SecretText("s3cr3t-value")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        #expect(secret.hint == "s3c")
    }
}
