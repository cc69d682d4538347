import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The gateway parts of the console in the real loop, on a real registry and a real sandbox gateway state file:
/// `a` on an environment, the Drift screen, adopting, and `--readonly`.
@Suite(.serialized) struct GatewaySessionTests {
    static func openMatrix(_ driver: Driver) async {
        await driver.start()
        await driver.press(.character("4"))
        driver.state.matrix.row = driver.state.matrix.environments.firstIndex { $0.name == GatewayFixture.environment }!
    }

    /// Applies recorded for the fixture's environment (the demo applied its own when it was built).
    static func applies(_ fixture: GatewayFixture) throws -> [AuditEvent] {
        try fixture.demo.registry.auditEvents(mentioning: "policy.applied")
            .filter { $0.action == "policy.applied" && $0.subject.contains(GatewayFixture.environment) }
    }

    /// The matrix on the fixture's environment, then `a`, waiting for the plan's confirmation.
    static func openPlan(_ fixture: GatewayFixture) async -> Driver {
        let driver = fixture.driver()
        await openMatrix(driver)
        await driver.press(.character("a"))
        await driver.settle { if case .confirm = $0.modal { true } else { false } }
        return driver
    }

    @Test func applyShowsThePlanDefaultsToCancelAndAppliesOnlyWhenConfirmed() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let driver = await Self.openPlan(fixture)
        guard case .confirm(let confirm) = driver.state.modal else {
            Issue.record("no confirmation: \(driver.modalName ?? "none") \(driver.state.status?.text ?? "")"); return
        }
        #expect(confirm.focus == .cancel)
        #expect(confirm.lines.contains("+ create test plugin rate-limiting on service billing"))
        #expect(confirm.lines.contains("    config.requests: \"500\""), "\(confirm.lines)")
        // Enter alone is Cancel: nothing reaches the gateway.
        await driver.press(.enter)
        #expect(driver.state.modal == nil)
        #expect(try await fixture.elements().isEmpty)

        await driver.press(.character("a"))
        await driver.settle { if case .confirm = $0.modal { true } else { false } }
        await driver.press(.right, .enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        guard case .message(let message) = driver.state.modal else { Issue.record("no result"); return }
        #expect(!message.isError, "\(message.lines)")
        #expect(message.title == "Applied in Staging")
        #expect(message.lines.first?.contains("1 step(s) carried out") == true, "\(message.lines)")
        let elements = try await fixture.elements()
        #expect(elements.map(\.element) == ["rate-limiting"])
        #expect(elements.first?.fields["config.requests"] == .string("500"))
        #expect(try Self.applies(fixture).count == 1)
        // The matrix reloads after the apply.
        let last = driver.performed.suffix(4)
        #expect(last.contains { if case .loadMatrix = $0 { true } else { false } })
    }

    @Test func aPlanThatChangedBeforeTheConfirmationAppliesNothing() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let driver = await Self.openPlan(fixture)
        // Meanwhile another process changes the assignment the plan was made from.
        _ = try fixture.demo.registry.applyPolicyChange(
            PolicyChangeRequest(policy: .rateLimiting, environment: "Staging",
                                intent: .assign(pairs: ["requests=42", "window=1m"], position: nil)),
            actor: "cli")
        await driver.press(.right, .enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        guard case .message(let message) = driver.state.modal else { Issue.record("no result"); return }
        #expect(message.isError)
        #expect(message.lines.first?.contains("changed since it was shown") == true, "\(message.lines)")
        #expect(try await fixture.elements().isEmpty)
    }

    @Test func driftListsTheChangeShowsBothSidesAndAdoptsIt() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let service = GatewayPolicyService(registry: fixture.demo.registry, gateways: fixture.adapters)
        _ = try await service.apply(environment: "Staging", actor: "tester")
        try fixture.sandbox.tamper(apiName: "billing", environment: nil, element: "rate-limiting", field: "config.requests",
                                   value: .string("50"))
        let driver = fixture.driver()
        await driver.start()
        await driver.press(.character("7"))
        #expect(driver.state.screen == .drift)
        #expect(driver.state.drift.reports?.count == 1)
        #expect(driver.state.drift.items.count == 1)
        #expect(driver.screenText.contains("Staging on edge · 1 difference"))
        #expect(driver.screenText.contains("configured  test plugin rate-limiting on service billing"))

        await driver.press(.enter)
        guard case .message(let sides) = driver.state.modal else { Issue.record("no both-sides view"); return }
        #expect(sides.lines.contains("≠ config.requests: \"50\" vs \"500\""), "\(sides.lines)")
        #expect(sides.lines.contains("= config.window: \"1m\" vs \"1m\""), "\(sides.lines)")
        await driver.press(.escape)

        await driver.press(.character("t"))
        guard case .confirm(let confirm) = driver.state.modal else { Issue.record("no adopt confirmation"); return }
        #expect(confirm.focus == .cancel)
        await driver.press(.enter)
        #expect(try fixture.demo.registry.assignments(in: "Staging").first { $0.policy == .rateLimiting }?
            .configuration.values["requests"]?.description == "500")

        await driver.press(.character("t"), .right, .enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        guard case .message(let result) = driver.state.modal else { Issue.record("no result"); return }
        #expect(!result.isError, "\(result.lines)")
        #expect(try fixture.demo.registry.assignments(in: "Staging").first { $0.policy == .rateLimiting }?
            .configuration.values["requests"]?.description == "50")
        // The Drift screen reads the gateways again after the change: nothing left to resolve.
        await driver.press(.escape)
        #expect(await driver.settle { !$0.drift.reading })
        #expect(driver.state.drift.items.isEmpty)
        #expect(driver.screenText.contains("✓ the gateway runs what the registry assigns"))
    }

    @Test func pushFromDriftAppliesTheEnvironmentAfterAConfirmation() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let driver = fixture.driver()
        await driver.start()
        await driver.press(.character("7"))
        #expect(driver.state.drift.items.count == 1)
        #expect(driver.screenText.contains("missing"))
        await driver.press(.character("p"))
        await driver.settle { if case .confirm = $0.modal { true } else { false } }
        guard case .confirm(let confirm) = driver.state.modal else { Issue.record("no confirmation"); return }
        #expect(confirm.focus == .cancel)
        await driver.press(.right, .enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        #expect(try await fixture.elements().count == 1)
    }

    @Test func aDifferenceApplyWillNotPushSaysSoInsteadOfOfferingTheKey() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let service = GatewayPolicyService(registry: fixture.demo.registry, gateways: fixture.adapters)
        _ = try await service.apply(environment: "Staging", actor: "tester")
        try fixture.sandbox.addByHand(apiName: "billing", environment: nil, element: "bot-detection", fields: ["config.allow": .string("x")])
        let driver = fixture.driver()
        await driver.start()
        await driver.press(.character("7"))
        #expect(driver.state.drift.selected?.difference.isPushable == false)
        #expect(driver.screenText.contains("no push: not Clientele's to delete · t adopt"))
        #expect(!driver.screenText.contains("p push ·"))
        await driver.press(.enter)
        guard case .message(let sides) = driver.state.modal else { Issue.record("no both-sides view"); return }
        #expect(sides.lines.contains("not pushable: apply never deletes what Clientele does not manage"))
        #expect(sides.lines.contains("t takes the gateway's side into the registry"))
        await driver.press(.escape)
        await driver.press(.character("p"))
        #expect(driver.state.modal == nil)
        #expect(driver.state.status?.text.contains("not pushable") == true)
    }

    @Test func readonlyStripsApplyPushAndAdoptAndTheRunnerRefusesThem() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let driver = fixture.driver(readonly: true)
        await Self.openMatrix(driver)
        await driver.press(.character("a"))
        #expect(driver.state.modal == nil)
        #expect(!driver.performed.contains { if case .inspectGateway = $0 { true } else { false } })
        #expect(!driver.screenText.contains("a apply"))
        await driver.press(.character("7"))
        #expect(driver.state.drift.items.count == 1)
        await driver.press(.character("p"), .character("t"))
        #expect(driver.state.modal == nil)
        #expect(!driver.screenText.contains("p push") && !driver.screenText.contains("t adopt"))
        await driver.press(.character("?"))
        #expect(!driver.screenText.contains("push:") && !driver.screenText.contains("take the gateway's side"))
        await driver.press(.escape)
        // An effect that bypassed the keymap is refused where effects reach the core.
        let difference = try #require(driver.state.drift.selected?.difference)
        driver.runner.perform([.applyGateway(environment: "Staging", plan: []),
                               .adoptDifference(environment: "Staging", difference)])
        await driver.quiesce()
        #expect(driver.state.status?.text.contains("read-only") == true)
        #expect(try await fixture.elements().isEmpty)
        #expect(try Self.applies(fixture).isEmpty)
    }
}
