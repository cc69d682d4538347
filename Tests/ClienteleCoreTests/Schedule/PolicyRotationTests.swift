import Foundation
import GRDB
import Testing
@testable import ClienteleCore

/// Rotation policies against a real registry and the sandbox IdP: validation, forecasts, and the rotations
/// `rotations advance` starts.
@Suite struct PolicyRotationTests {
    struct Fixture {
        let test: TestRegistry
        let idp: IdentityProvider
        let sandbox: SandboxIdentityProvider
        let client: Client
        let service: RotationService

        func makeService() -> RotationService {
            RotationService(registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        }
    }

    func fixture() async throws -> Fixture {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        try test.registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .none, actor: "tests")
        // Its first secret lives 180 days.
        let (client, _) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox, environments: ["Prod"])
        let service = RotationService(
            registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        return Fixture(test: test, idp: idp, sandbox: sandbox, client: client, service: service)
    }

    func request(_ scope: RotationPolicyScope = .identityProvider("sandbox"), rotateBefore: DurationText = .days(30),
                 maxAge: DurationText? = nil, grace: DurationText? = .days(2), command: String) -> RotationPolicyRequest
    {
        RotationPolicyRequest(scope: scope, rotateBefore: rotateBefore, maxAge: maxAge, grace: grace, secretCommand: command)
    }

    @Test func invalidPoliciesAreRefusedInOneLineNamingTheFlagAndRecordNothing() async throws {
        let f = try await fixture()
        let cases: [(RotationPolicyRequest, String)] = [
            (request(rotateBefore: .days(800), command: "cat"), "--rotate-before 800d is not shorter than the lifetime"),
            (request(rotateBefore: .days(5), grace: .days(7), command: "cat"), "--grace 7d is not shorter than --rotate-before 5d"),
            (request(rotateBefore: .days(5), grace: nil, command: "cat"), "the configuration's rotation.grace (7d) is not shorter"),
            (request(maxAge: .days(1), command: "cat"), "--max-age 1d is not longer than the grace period (2d)"),
            (request(command: "  "), "--secret-command is empty"),
            (request(.environment("Nowhere"), command: "cat"), "no environment 'Nowhere'"),
        ]
        for (asked, expected) in cases {
            #expect {
                try f.service.setRotationPolicy(asked, actor: "alice")
            } throws: { error in
                let text = (error as? ClienteleError)?.description ?? ""
                return text.contains(expected) && !text.contains("\n")
            }
        }
        #expect(try f.test.registry.rotationPolicies().isEmpty)
    }

    @Test func anIdPThatKeepsOneSecretCannotHaveASchedule() async throws {
        let test = try TestRegistry()
        _ = try test.addSandbox(name: "single", profile: .oidc)
        let service = RotationService(registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        #expect(throws: ClienteleError.self) {
            try service.setRotationPolicy(request(.identityProvider("single"), grace: nil, command: "cat"), actor: "alice")
        }
        #expect(try test.registry.rotationPolicies().isEmpty)
    }

    @Test func settingAgainReplacesThePolicyAndIsAudited() async throws {
        let f = try await fixture()
        try f.service.setRotationPolicy(request(command: "cat > /dev/null"), actor: "alice")
        try f.service.setRotationPolicy(request(rotateBefore: .days(20), command: "cat > /dev/null"), actor: "bob")
        let policies = try f.test.registry.rotationPolicies()
        #expect(policies.count == 1)
        #expect(policies[0].policy.rotateBeforeSeconds == 20 * 86_400)
        let actions = try f.test.registry.read { transaction in
            try transaction.strings("SELECT action FROM auditEvent WHERE action LIKE 'rotation-policy.%' ORDER BY id")
        }
        #expect(actions == ["rotation-policy.set", "rotation-policy.replaced"])
        try f.test.registry.removeRotationPolicy(.identityProvider("sandbox"), actor: "carol")
        #expect(try f.test.registry.rotationPolicies().isEmpty)
    }

    @Test func aDuePolicyStartsOneRotationRecordedAsItsOwnThenAdvanceDrivesIt() async throws {
        let f = try await fixture()
        let delivered = f.test.tempFile("delivered.secret")
        try f.service.setRotationPolicy(request(command: "cat > \(delivered)"), actor: "alice")
        // 149 days in, the 180-day secret is 31 days from expiry: not yet.
        f.test.clock.advance(days: 149)
        #expect(try await f.service.startPolicyRotations(actor: "cron").isEmpty)
        f.test.clock.advance(days: 2)
        let starts = try await f.service.startPolicyRotations(actor: "cron")
        #expect(starts.count == 1)
        guard case .started(let id, let client, let policy, _)? = starts.first else {
            Issue.record("expected a start, got \(starts)")
            return
        }
        #expect(client.id == f.client.id)
        #expect(policy.scope == .identityProvider("sandbox"))
        let rotation = try f.test.registry.rotation(id)
        #expect(rotation.rotationPolicyId == policy.policy.id)
        #expect(rotation.actor == "rotation-policy idp sandbox")
        #expect(rotation.step == .planned)
        // A second run finds the open rotation and starts nothing.
        #expect(try await f.service.startPolicyRotations(actor: "cron").isEmpty)

        let results = await f.service.advanceAll(actor: "cron")
        #expect(try results.map { try $0.get().rotation.step } == [.grace])
        let secret = try String(contentsOfFile: delivered, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await f.sandbox.verify(SecretText(secret), for: RemoteClientReference(f.client)) == .accepted)
        let (actor, details) = try #require(try f.test.registry.read { transaction in
            try transaction.fetchOne("SELECT actor, details FROM auditEvent WHERE action = 'rotation.planned'") {
                (try $0.string(0), try $0.string(1))
            }
        })
        #expect(actor == "rotation-policy idp sandbox")
        #expect(details.contains("\"policy\":\"idp sandbox\"") && details.contains("\"startedBy\":\"cron\""))
    }

    @Test func parallelRunsStartOneRotationPerClient() async throws {
        let f = try await fixture()
        try f.service.setRotationPolicy(request(command: "cat > /dev/null"), actor: "alice")
        f.test.clock.advance(days: 170)
        let services = (0..<4).map { _ in f.makeService() }
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for service in services {
                group.addTask {
                    try await service.startPolicyRotations(actor: "cron").filter {
                        if case .started = $0 { return true } else { return false }
                    }.count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == 1)
        let open = try f.test.registry.read { transaction in
            try transaction.count("rotation", "WHERE step NOT IN ('done', 'failed')")
        }
        #expect(open == 1)
    }

    @Test func theEnvironmentPolicyGovernsAClientTheIdPPolicyAlsoCovers() async throws {
        let f = try await fixture()
        try f.service.setRotationPolicy(request(rotateBefore: .days(60), command: "cat > /dev/null"), actor: "alice")
        try f.service.setRotationPolicy(request(.environment("Prod"), rotateBefore: .days(10), command: "cat > /dev/null"), actor: "alice")
        let forecast = try #require(try f.test.registry.policyForecasts()[f.client.id!])
        #expect(forecast.policy.scope == .environment("Prod"))
        #expect(forecast.dueAt == f.test.clock.now + 170 * 86_400)
    }
}
