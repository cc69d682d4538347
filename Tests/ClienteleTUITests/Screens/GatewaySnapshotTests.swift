import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The matrix's gateway states with their legend, the apply confirmation, the Drift screen and the both-sides
/// view, rendered from values (the matrix's states are set here, so every state shows whichever gateway mapping
/// is merged), at the three sizes the other snapshots use.
@Suite(.serialized) struct GatewaySnapshotTests {
    static let sizes = SnapshotTests.sizes

    /// The demo's environments and assignments, with every cell state somewhere: Sandbox has no gateway (record
    /// only), Dev is applied, pending and drifted, Test was never read and cannot express OIDC, Prod was read two
    /// hours ago and runs a CORS policy nobody assigned.
    static func matrixState(_ size: Size) async throws -> AppState {
        let registry = try await SharedDemo.fixture().registry
        let environments = try registry.environments()
        let assignments = try registry.allAssignments()
        var matrix = PolicyMatrix(environments: environments, assignments: assignments)
        for environment in environments {
            let id = environment.id!
            let assigned = assignments.filter { $0.environmentId == id }.map(\.policy)
            var states: [PolicyKind: PolicyCellState] = [:]
            for (index, policy) in PolicyKind.allCases.enumerated() {
                let isAssigned = assigned.contains(policy)
                switch environment.name {
                case "Sandbox": states[policy] = isAssigned ? .recordOnly : PolicyCellState.none
                case "Dev": states[policy] = isAssigned ? [PolicyCellState.applied, .pending, .drifted][index % 3] : PolicyCellState.none
                case "Test":
                    states[policy] = policy == .oidcAccessTokenEnforcement ? .notExpressible
                        : isAssigned ? .unknown : PolicyCellState.none
                default:
                    states[policy] = isAssigned ? (index % 4 == 1 ? .drifted : .applied)
                        : policy == .cors ? .drifted : PolicyCellState.none
                }
            }
            matrix.states[id] = states
            if environment.name != "Sandbox" { matrix.gatewayNames[id] = "edge" }
            if environment.name == "Prod" || environment.name == "Dev" {
                matrix.observedAt[id] = DemoFixture.now.addingTimeInterval(-7200)
            }
        }
        var state = AppState(size: size, now: DemoFixture.now, readonly: false, registryPath: "demo/registry.sqlite")
        state.screen = .matrix
        state.history = [.clients]
        _ = MatrixUpdate.loaded(&state, matrix)
        state.matrix.row = environments.firstIndex { $0.name == "Dev" }!
        state.matrix.column = PolicyKind.allCases.firstIndex(of: .rateLimiting)!
        return state
    }

    @Test(arguments: sizes) func matrixWithEveryCellState(size: Size) async throws {
        let state = try await Self.matrixState(size)
        let buffer = ConsoleRender.render(state)
        Snapshot.assertMatches(buffer, "Matrix/gateway-states")
        // Every state has its symbol on screen, the legend included.
        let text = buffer.textLines.joined(separator: "\n")
        for mark in PolicyCellState.legendOrder.map(\.mark) { #expect(text.contains(mark), "\(mark) missing") }
        #expect(text.contains("gateway edge, last read 2026-11-23 10:00 (2h 0m ago)"))
    }

    @Test(arguments: sizes) func applyConfirmation(size: Size) async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let service = GatewayPolicyService(registry: fixture.demo.registry, gateways: fixture.adapters)
        let inspection = try await service.inspect(environment: "Staging")
        var state = try await Self.matrixState(size)
        state.modal = .progress(ProgressState(title: "Reading edge…"))
        _ = GatewayApplyUpdate.inspected(&state, inspection)
        Snapshot.assertMatches(ConsoleRender.render(state), "Dialogs/gateway-apply")
    }

    /// Staging drifted twice (a field changed, a plugin added by hand), and a gateway that could not be read.
    static func driftState(_ size: Size, fixture: GatewayFixture) async throws -> AppState {
        let service = GatewayPolicyService(registry: fixture.demo.registry, gateways: fixture.adapters)
        _ = try await service.apply(environment: "Staging", actor: "tester")
        try fixture.sandbox.tamper(apiName: "billing", environment: nil, element: "rate-limiting", field: "config.requests",
                                   value: .string("50"))
        try fixture.sandbox.addByHand(apiName: "billing", environment: nil, element: "bot-detection", fields: ["config.allow": .string("curl")])
        var reports = await service.drift()
        reports.append(GatewayDriftReport(environment: "Prod", gateway: "edge-eu", inspection: nil,
                                          error: "gateway edge-eu: connection refused at 127.0.0.1:9"))
        var state = AppState(size: size, now: DemoFixture.now, readonly: false, registryPath: "demo/registry.sqlite")
        state.screen = .drift
        state.history = [.clients]
        _ = DriftUpdate.loaded(&state, reports)
        return state
    }

    @Test(arguments: sizes) func driftScreen(size: Size) async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let state = try await Self.driftState(size, fixture: fixture)
        #expect(state.drift.items.count == 2)
        Snapshot.assertMatches(ConsoleRender.render(state), "Drift/differences")
    }

    @Test(arguments: sizes) func bothSides(size: Size) async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        var state = try await Self.driftState(size, fixture: fixture)
        // The second difference: a field changed behind Clientele's back.
        _ = ConsoleUpdate.update(&state, .key(.down))
        _ = ConsoleUpdate.update(&state, .key(.enter))
        Snapshot.assertMatches(ConsoleRender.render(state), "Drift/both-sides")
    }

    /// Every key on the new screens and dialogs, at every size down to below the minimum, with no data, empty
    /// data and real data: nothing crashes and every frame renders.
    @Test func noKeyAndNoSizeBreaksTheGatewayScreens() async throws {
        let fixture = try await GatewayFixture.make()
        defer { fixture.remove() }
        let full = try await Self.driftState(Size(width: 80, height: 24), fixture: fixture)
        var keys: [KeyEvent] = [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape,
                                .backspace, .delete, .tab, .backTab, .control("r"), .function(5), .unknown(999)]
        keys += "abcdefghijklmnoprstuvwxyzAEGS0123456789?/: ".map { KeyEvent.character($0) }
        let sizes = [Size(width: 60, height: 15), Size(width: 61, height: 16), Size(width: 200, height: 60),
                     Size(width: 59, height: 14), Size(width: 1, height: 1)]
        var starts: [AppState] = []
        for size in sizes {
            var empty = AppState(size: size, now: DemoFixture.now, readonly: false, registryPath: "r")
            empty.screen = .drift
            starts.append(empty)
            var none = empty
            _ = DriftUpdate.loaded(&none, [])
            starts.append(none)
            var loaded = full
            _ = ConsoleUpdate.update(&loaded, .resized(size))
            starts.append(loaded)
            var matrix = try await Self.matrixState(size)
            starts.append(matrix)
            matrix.matrix = MatrixState()
            matrix.matrix.loaded = true
            starts.append(matrix)
        }
        for start in starts {
            for key in keys {
                var state = start
                // A key, then the same key again inside whatever it opened.
                _ = ConsoleUpdate.update(&state, .key(key))
                _ = ConsoleUpdate.update(&state, .key(key))
                _ = ConsoleRender.render(state)
                _ = ConsoleUpdate.update(&state, .key(.down))
                _ = ConsoleRender.render(state)
            }
        }
    }
}
