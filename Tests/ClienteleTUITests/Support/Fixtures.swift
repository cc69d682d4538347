import ClienteleCore
import Foundation
@testable import ClienteleTUI

/// A demo registry in a temporary folder, at a fixed instant, so every test sees the same clients and dates.
struct DemoFixture {
    static let now = Timestamp.parse("2026-11-23T12:00:00Z")!
    static let clock = ClienteleClock.fixed(now)

    let directory: String
    let registry: Registry
    let adapters: StandardAdapters

    static func make(clients: Int = 60) async throws -> DemoFixture {
        let directory = NSTemporaryDirectory() + "clientele-tui-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/registry.sqlite"
        _ = try await DemoBuilder(registryPath: path, clients: clients, seed: 7, clock: clock).build()
        let registry = try Registry.open(at: path, clock: clock)
        return DemoFixture(directory: directory, registry: registry,
                           adapters: StandardAdapters(registryPath: path, clock: clock))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Drives the real update function and the real effect runner against a registry, one action at a time, so tests
/// read like an operator's session: press keys, wait for results, look at the screen.
final class Driver {
    var state: AppState
    let inbox = ActionInbox()
    let runner: EffectRunner
    private(set) var performed: [Effect] = []

    init(_ fixture: DemoFixture, size: Size = Size(width: 80, height: 24), readonly: Bool = false) {
        state = AppState(size: size, now: DemoFixture.now, readonly: readonly, registryPath: "demo/registry.sqlite")
        runner = EffectRunner(registry: fixture.registry, adapters: fixture.adapters, actor: "tester",
                              readonly: readonly, inbox: inbox)
    }

    func start() async {
        await perform(ConsoleUpdate.start(state))
    }

    func send(_ action: Action) async {
        let effects = ConsoleUpdate.update(&state, action)
        await perform(effects)
    }

    func press(_ keys: KeyEvent...) async {
        for key in keys { await send(.key(key)) }
    }

    func type(_ text: String) async {
        for character in text { await send(.key(.character(character))) }
    }

    /// Loads run inline; work that may wait on the operator (rotations, long work) runs in the background, and
    /// `settle` picks up its results.
    func perform(_ effects: [Effect]) async {
        for effect in effects {
            performed.append(effect)
            switch effect {
            case .rotate, .advanceRotation, .advanceAll, .endGrace, .acknowledgeSecret, .cancelLongWork:
                runner.perform(effect)
            default:
                if runner.readonly && effect.changesState {
                    runner.perform(effect)
                } else {
                    do { try await runner.run(effect) } catch { inbox.post(.failed(EffectRunner.describe(error))) }
                }
            }
            for action in inbox.drain() { await send(action) }
        }
    }

    /// Applies background results until `condition` holds (or a few seconds pass).
    @discardableResult
    func settle(timeout: Double = 10, until condition: (AppState) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for action in inbox.drain() { await send(action) }
            if condition(state) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return condition(state)
    }

    var frame: CellBuffer { ConsoleRender.render(state) }
    var screenText: String { frame.textLines.joined(separator: "\n") }

    var modalName: String? { state.modal?.name }
}
