import Foundation
import GRDB
import Synchronization
import Testing
@testable import ClienteleCore

/// The lease under a rotation: a live holder keeps it however long it waits, a holder that lost it writes nothing
/// and stops before the IdP, and a holder that is provably gone is taken over at once.
@Suite struct RotationLeaseTests {
    /// A show-once delivery that holds until the test lets it go, as a person reading the dialog does.
    final class HeldDialog: Sendable {
        let shown = Mutex<SecretText?>(nil)
        let released = Mutex(false)

        var deliverer: SecretDeliverer {
            SecretDeliverer(showOnce: { text, _ in
                self.shown.withLock { $0 = text }
                while !self.released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
            })
        }

        func waitUntilShown() async throws {
            for _ in 0..<500 where shown.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
            #expect(shown.withLock { $0 } != nil)
        }

        func close() { released.withLock { $0 = true } }
    }

    struct Fixture {
        let test: TestRegistry
        let sandbox: SandboxIdentityProvider
        let client: Client
        let original: SecretText

        func service(term: LeaseTerm) throws -> RotationService {
            // Each service opens the registry as its own process would.
            let registry = try Registry.open(at: test.location, clock: test.clock.clock)
            return RotationService(registry: registry, adapters: StandardAdapters(registry: registry), leaseTerm: term)
        }

        func events(_ action: String) throws -> Int {
            try test.registry.read { transaction in
                try transaction.count("auditEvent", "WHERE action = ?", [.text(action)])
            }
        }
    }

    func fixture() async throws -> Fixture {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (client, original) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        return Fixture(test: test, sandbox: sandbox, client: client, original: original)
    }

    /// Short enough to pass several terms in a test, long enough for a loaded 2-core machine to renew in time.
    static let shortTerm = LeaseTerm(duration: 1)

    @Test func aHolderWaitingOnAPersonKeepsItsLeaseForManyTerms() async throws {
        let f = try await fixture()
        let dialog = HeldDialog()
        let console = try f.service(term: Self.shortTerm)
        let rotation = Task {
            try await console.rotate(RotationRequest(client: "billing-api", grace: .days(1), delivery: .terminal),
                                     actor: "operator", deliverer: dialog.deliverer)
        }
        try await dialog.waitUntilShown()
        let cron = try f.service(term: Self.shortTerm)
        // Cron runs with the business clock well past the grace period: the lease runs on real time regardless.
        f.test.clock.advance(days: 3)
        for _ in 0..<6 {
            try await Task.sleep(for: .milliseconds(600))
            let results = await cron.advanceAll(actor: "cron")
            #expect(results.count == 1)
            guard case .waiting(let why) = try results[0].get().status else {
                Issue.record("cron took over a live holder: \(try results[0].get().status)")
                break
            }
            #expect(why.contains("another Clientele process") && why.contains("pid \(getpid())"))
        }
        dialog.close()
        let outcome = try await rotation.value
        guard case .inGrace = outcome.status else { Issue.record("\(outcome.status)"); return }
        f.test.clock.advance(days: 2)
        #expect(try await cron.advanceAll(actor: "cron").map { try $0.get().status } == [.completed])
        let shown = try #require(dialog.shown.withLock { $0 })
        #expect(try await f.sandbox.verify(shown, for: RemoteClientReference(f.client)) == .accepted)
        #expect(try f.events("rotation.completed") == 1)
        #expect(try f.events("rotation.secret-withdrawn") == 0)
        let row = try #require(try f.test.registry.rotations(includeFinished: true).first?.rotation)
        #expect(row.leaseOwner == nil && row.leaseHolder == nil)
    }

    @Test func aHolderThatLostItsLeaseWritesNothingAndStopsBeforeTheIdP() async throws {
        let f = try await fixture()
        let dialog = HeldDialog()
        let console = try f.service(term: LeaseTerm(duration: 60))
        let rotation = Task {
            try await console.rotate(RotationRequest(client: "billing-api", grace: .days(1), delivery: .terminal),
                                     actor: "operator", deliverer: dialog.deliverer)
        }
        try await dialog.waitUntilShown()
        // Another process takes the lease (as one would after this process had been stopped past its term).
        let id = try #require(try f.test.registry.rotations().first?.rotation.id)
        try f.test.registry.write { transaction in
            try transaction.execute("UPDATE rotation SET leaseOwner = 'other', leaseUntil = ? WHERE id = ?",
                                    Date() + 3600, id)
        }
        let before = try f.test.registry.rotation(id)
        let secretsBefore = try #require(try await f.sandbox.client(RemoteClientReference(f.client))).secrets.count
        dialog.close()
        await #expect {
            _ = try await rotation.value
        } throws: { error in
            "\(error)".contains("took it over") && "\(error)".contains("changed nothing more")
        }
        let after = try f.test.registry.rotation(id)
        #expect(after.step == before.step && after.runningStep == before.runningStep)
        #expect(after.leaseOwner == "other" && after.lastError == before.lastError)
        #expect(after.updatedAt == before.updatedAt)
        #expect(try f.events("rotation.secret-delivered") == 0)
        // No withdrawal or removal reached the IdP: both secrets are still there.
        let secretsAfter = try #require(try await f.sandbox.client(RemoteClientReference(f.client))).secrets.count
        #expect(secretsAfter == secretsBefore && secretsAfter == 2)
    }

    @Test func aSlowDeliveryCommandOutlivesTheTermWithoutBeingTakenOver() async throws {
        let f = try await fixture()
        let file = f.test.tempFile("piped.secret")
        let command = "sleep 3.5; cat > '\(file)'"
        let holder = try f.service(term: Self.shortTerm)
        let rotation = Task {
            try await holder.rotate(RotationRequest(client: "billing-api", grace: .days(1), delivery: .command(command)),
                                    actor: "operator", deliverer: .unattended)
        }
        let other = try f.service(term: Self.shortTerm)
        var checked = 0
        while !FileManager.default.fileExists(atPath: file) {
            try await Task.sleep(for: .milliseconds(400))
            let results = await other.advanceAll(actor: "cron")
            // Judged only while the command has not written the secret: the holder was at work all along.
            guard !FileManager.default.fileExists(atPath: file) else { break }
            for result in results {
                guard case .success(let outcome) = result, case .waiting(let why) = outcome.status,
                    why.contains("another Clientele process")
                else {
                    Issue.record("cron took over a live holder: \(result)")
                    continue
                }
            }
            checked += 1
        }
        #expect(checked >= 2)
        let outcome = try await rotation.value
        guard case .inGrace = outcome.status else { Issue.record("\(outcome.status)"); return }
        let piped = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await f.sandbox.verify(SecretText(piped), for: RemoteClientReference(f.client)) == .accepted)
    }

    @Test func aLeaseOfAProcessThatIsProvablyGoneIsTakenOverAtOnce() async throws {
        let f = try await fixture()
        let dialog = HeldDialog()
        dialog.close()
        _ = try await f.service(term: .standard).rotate(
            RotationRequest(client: "billing-api", grace: .days(1), delivery: .terminal), actor: "operator",
            deliverer: dialog.deliverer)
        let id = try #require(try f.test.registry.rotations().first?.rotation.id)
        f.test.clock.advance(days: 2)

        // A live holder's lease, an hour from lapsing, is respected.
        try hold(id, as: .current, in: f.test)
        let cron = try f.service(term: .standard)
        let waiting = try await cron.run(id, actor: "cron", deliverer: .unattended)
        guard case .waiting = waiting.status else { Issue.record("\(waiting.status)"); return }

        // The same lease left by a process that has exited is taken over without waiting for it to lapse.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        var dead = LeaseHolder.current
        dead.pid = child.processIdentifier
        try hold(id, as: dead, in: f.test)
        #expect(try await cron.run(id, actor: "cron", deliverer: .unattended).status == .completed)
        #expect(try f.events("rotation.completed") == 1)
    }

    /// Records a lease on `id` held by `holder` under another owner token, lapsing in an hour.
    func hold(_ id: Int64, as holder: LeaseHolder, in test: TestRegistry) throws {
        let json = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        try test.registry.write { transaction in
            try transaction.execute("UPDATE rotation SET leaseOwner = 'someone', leaseUntil = ?, leaseHolder = ? WHERE id = ?",
                                    Date() + 3600, json, id)
        }
    }

    @Test func holderLivenessNeedsTheSameKernelAndPidNamespace() throws {
        let me = LeaseHolder.current
        #expect(me.started != nil && me.boot != nil && me.pidNamespace != nil)
        #expect(!me.isProvablyGone())

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        var gone = me
        gone.pid = child.processIdentifier
        #expect(gone.isProvablyGone())

        var reused = me
        reused.started = me.started! + 1  // our pid, but a process that started at another time
        #expect(reused.isProvablyGone())

        var elsewhere = gone
        elsewhere.pidNamespace = "pid:[1]"  // another container: its pids say nothing here
        #expect(!elsewhere.isProvablyGone())
        var otherBoot = gone
        otherBoot.boot = UUID().uuidString
        #expect(!otherBoot.isProvablyGone())
        var unrecorded = gone
        unrecorded.started = nil  // a lease written by an older Clientele
        #expect(!unrecorded.isProvablyGone())
    }

    @Test func aLeaseHookThatIsNotANumberIsRefused() throws {
        #expect(throws: ClienteleError.self) { try LeaseTerm.fromEnvironment(["CLIENTELE_TEST_LEASE": "soon"]) }
        #expect(throws: ClienteleError.self) { try LeaseTerm.fromEnvironment(["CLIENTELE_TEST_LEASE": "0"]) }
        #expect((try? LeaseTerm.fromEnvironment(["CLIENTELE_TEST_LEASE": "2.5"]))?.duration == 2.5)
        #expect((try? LeaseTerm.fromEnvironment([:])) == .standard)
    }
}
