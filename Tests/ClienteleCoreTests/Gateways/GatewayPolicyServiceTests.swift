import Foundation
import Testing
@testable import ClienteleCore

@Suite struct GatewayPolicyServiceTests {
    @Test func applyMakesTheGatewayMatchAndRecordsEveryStep() async throws {
        let fixture = try GatewayFixture(apis: 3)
        try fixture.assign(.rateLimiting, ["requests=100", "window=1m"])
        try fixture.assign(.cors, api: "api2", ["origins=https://a.example"])

        let before = try await fixture.service.inspect(environment: "Prod")
        #expect(before.steps.map(\.action) == [.create, .create, .create, .create])
        let outcome = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(outcome.performed.count == 4)
        #expect(fixture.gateway.performed.count == 4)
        #expect(outcome.apply?.state == .done)
        #expect(try fixture.actions("policy.step-applied") == 4)
        #expect(try fixture.actions("policy.applied") == 1)

        let after = try await fixture.service.inspect(environment: "Prod")
        #expect(after.differences.isEmpty)
        // A second apply has nothing to do and sends nothing.
        let again = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(again.apply == nil)
        #expect(fixture.gateway.performed.count == 4)
    }

    @Test func aChangeBehindClienteleBackIsDriftNamingTheFieldAndApplyPushesItBack() async throws {
        let fixture = try GatewayFixture(apis: 2)
        try fixture.assign(.rateLimiting, ["requests=100"])
        _ = try await fixture.service.apply(environment: "Prod", actor: "tests")
        try fixture.sandbox.tamper(apiName: "api2", environment: "prod", element: "rate-limiting",
                                   field: "config.requests", value: .string("500"))

        let report = try #require(await fixture.service.drift(environment: "Prod").first)
        #expect(report.error == nil)
        let difference = try #require(report.differences.first)
        #expect(report.differences.count == 1)
        #expect(difference.kind == .configured)
        #expect(difference.apiName == "api2")
        #expect(difference.changes == [GatewayFieldChange(path: "config.requests", theirs: .string("500"), ours: .string("100"))])
        let matrix = try fixture.matrix()
        let prod = try #require(matrix.environments.first?.id)
        #expect(matrix.state(environmentId: prod, policy: .rateLimiting) == .drifted)

        let pushed = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(pushed.performed.map(\.action) == [.update])
        #expect(try await fixture.service.inspect(environment: "Prod").differences.isEmpty)
        #expect(try fixture.matrix().state(environmentId: prod, policy: .rateLimiting) == .applied)
    }

    @Test func adoptTakesTheGatewaysSideIntoTheRegistry() async throws {
        let fixture = try GatewayFixture(apis: 2)
        try fixture.assign(.rateLimiting, ["requests=100"])
        _ = try await fixture.service.apply(environment: "Prod", actor: "tests")
        try fixture.sandbox.tamper(apiName: "api1", environment: "prod", element: "rate-limiting",
                                   field: "config.requests", value: .string("300"))
        try fixture.sandbox.addByHand(apiName: "api2", environment: "prod", element: "ip-allowlist",
                                      fields: ["config.cidrs": .string("10.0.0.0/8")])

        let inspection = try await fixture.service.inspect(environment: "Prod")
        let unassigned = try #require(inspection.differences.first { $0.kind == .unassigned })
        #expect(unassigned.theirs?.managed == false)
        #expect(!unassigned.isPushable)
        #expect(!inspection.steps.contains { $0.action == .delete })

        let lines = try fixture.service.adopt(inspection.differences, in: inspection, actor: "tests")
        #expect(!lines.isEmpty)
        let assignments = try fixture.registry.assignments(in: "Prod")
        #expect(assignments.contains { $0.policy == .rateLimiting && $0.api == "api1" && $0.configuration["requests"] == .integer(300) })
        #expect(assignments.contains { $0.policy == .rateLimiting && $0.api.isEmpty && $0.configuration["requests"] == .integer(100) })
        #expect(assignments.contains { $0.policy == .ipAllowlist && $0.api == "api2" })
        #expect(try await fixture.service.inspect(environment: "Prod").differences.isEmpty)
        #expect(try fixture.actions("policy.assigned") >= 2)
    }

    @Test func anApplyThatStoppedResumesWithoutSendingAStepTwice() async throws {
        let fixture = try GatewayFixture(apis: 3)
        try fixture.assign(.rateLimiting, ["requests=100"])
        // The second call reaches the gateway, and the process "dies" before recording it.
        fixture.gateway.failing(call: 2, .after)
        await #expect(throws: ClienteleError.self) { try await fixture.service.apply(environment: "Prod", actor: "tests") }
        #expect(fixture.gateway.performed.count == 2)
        let open = try #require(try fixture.registry.openPolicyApply(environmentId: 1))
        #expect(open.steps.map(\.state) == [.done, .running, .pending])

        fixture.gateway.failing(call: nil)
        let resumed = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(resumed.resumed)
        #expect(resumed.foundDone.count == 1)
        #expect(resumed.performed.count == 1)
        // Three APIs, three creates in all: the one that was running when it "died" was found done, not resent.
        #expect(fixture.gateway.performed.count == 3)
        #expect(Set(fixture.gateway.performed.map(\.apiId)).count == 3)
        #expect(try await fixture.service.inspect(environment: "Prod").differences.isEmpty)
        #expect(try fixture.registry.openPolicyApply(environmentId: 1) == nil)
    }

    @Test func aStepThatNeverReachedTheGatewayIsSentOnResume() async throws {
        let fixture = try GatewayFixture(apis: 2)
        try fixture.assign(.cors, ["origins=*"])
        fixture.gateway.failing(call: 2, .before)
        await #expect(throws: ClienteleError.self) { try await fixture.service.apply(environment: "Prod", actor: "tests") }
        #expect(fixture.gateway.performed.count == 1)
        let stopped = try #require(try fixture.registry.openPolicyApply(environmentId: 1))
        #expect(stopped.lastError?.contains("connection refused") == true)
        fixture.gateway.failing(call: nil)
        let resumed = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(resumed.foundDone.isEmpty)
        #expect(resumed.performed.count == 1)
        #expect(fixture.gateway.performed.count == 2)
    }

    @Test func aLiveHolderKeepsItsApplyAndAnotherProcessIsToldWho() async throws {
        let fixture = try GatewayFixture(apis: 1)
        try fixture.assign(.cors, ["origins=*"])
        fixture.gateway.failing(call: 1, .before)
        await #expect(throws: ClienteleError.self) { try await fixture.service.apply(environment: "Prod", actor: "tests") }
        // Another holder (a process that is alive: this one) claims it and keeps it.
        let open = try #require(try fixture.registry.openPolicyApply(environmentId: 1))
        let otherOwner = UUID().uuidString
        _ = try fixture.registry.write(bumpingRevision: false) { transaction in
            try Registry.claimLease(transaction, .policyApply(open.id!), expectedOwner: nil, owner: otherOwner, holder: .current,
                                    term: LeaseTerm(duration: 600))
        }
        fixture.gateway.failing(call: nil)
        do {
            _ = try await fixture.service.apply(environment: "Prod", actor: "tests")
            Issue.record("a live holder's apply was taken over")
        } catch let error as ClienteleError {
            #expect(error.description.contains("in progress in another Clientele process"))
            #expect(error.description.contains("pid \(getpid())"))
        }
        #expect(fixture.gateway.performed.isEmpty)
    }

    @Test func pendingAndDriftAreToldApartWithoutAClock() async throws {
        let fixture = try GatewayFixture(apis: 1)
        try fixture.assign(.cors, ["origins=*"])
        let prod = try #require(try fixture.registry.environments().first?.id)
        _ = try await fixture.service.inspect(environment: "Prod")
        // Never applied: assigned but absent is pending.
        #expect(try fixture.matrix().state(environmentId: prod, policy: .cors) == .pending)
        _ = try await fixture.service.apply(environment: "Prod", actor: "tests")
        #expect(try fixture.matrix().state(environmentId: prod, policy: .cors) == .applied)
        // A registry change (same clock instant) is pending until applied.
        try fixture.assign(.cors, ["origins=https://b.example"])
        _ = try await fixture.service.inspect(environment: "Prod")
        #expect(try fixture.matrix().state(environmentId: prod, policy: .cors) == .pending)
        #expect(try fixture.matrix().state(environmentId: prod, policy: .jwtValidation) == PolicyCellState.none)
    }

    @Test func anEnvironmentWithoutAGatewaySaysHowToBindOne() async throws {
        let fixture = try GatewayFixture(apis: 1)
        try fixture.registry.addEnvironment(name: "Dev", businessGroup: nil, gateway: .none, actor: "tests")
        await #expect(throws: ClienteleError.invalidInput(
            "environment Dev is not bound to a gateway; bind it with `clientele env set Dev --gateway NAME`")) {
            try await fixture.service.inspect(environment: "Dev")
        }
    }
}
