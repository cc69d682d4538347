import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// When the Drift screen reads the gateways: on opening it and on ctrl-r, never on the registry poll (a read
/// records what the gateway runs, which moves the registry's revision, which would read them again, forever).
struct DriftUpdateTests {
    static func isDriftLoad(_ effect: Effect) -> Bool { if case .loadDrift = effect { true } else { false } }

    @Test func openingAndCtrlRReadTheGatewaysAndSaySo() {
        var state = UpdateTests.state()
        let opened = ConsoleUpdate.update(&state, .key(.character("7")))
        #expect(state.screen == .drift)
        #expect(opened.contains(where: Self.isDriftLoad))
        #expect(state.drift.reading)
        _ = ConsoleUpdate.update(&state, .driftLoaded([]))
        #expect(!state.drift.reading)
        #expect(ConsoleUpdate.update(&state, .key(.control("r"))).contains(where: Self.isDriftLoad))
        #expect(state.drift.reading)
    }

    @Test func aRegistryChangeSeenByThePollDoesNotReadTheGateways() {
        var state = UpdateTests.state()
        _ = ConsoleUpdate.update(&state, .key(.character("7")))
        _ = ConsoleUpdate.update(&state, .driftLoaded([]))
        _ = ConsoleUpdate.update(&state, .revision(1))
        let effects = ConsoleUpdate.update(&state, .revision(2))
        #expect(!effects.isEmpty, "the rest of the screen still reloads")
        #expect(!effects.contains(where: Self.isDriftLoad))
        #expect(!state.drift.reading)
    }

    @Test func anEnvironmentWithoutAGatewayIsToldHowToBindOne() {
        var state = UpdateTests.state()
        state.screen = .matrix
        let environment = Environment(id: 1, name: "Prod", gateway: .none, position: 1, createdAt: DemoFixture.now)
        _ = MatrixUpdate.loaded(&state, PolicyMatrix(environments: [environment]))
        #expect(ConsoleUpdate.update(&state, .key(.character("a"))).isEmpty)
        #expect(state.modal == nil)
        #expect(state.status?.text == "Prod has no gateway: bind one with `clientele env set Prod --gateway NAME`")
    }
}
