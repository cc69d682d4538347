import ClienteleCore
import Foundation
import Testing
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
        // With the gateways as holders, as `clientele console` has them: the demo's Kong consumers rotate too.
        return DemoFixture(directory: directory, registry: registry,
                           adapters: StandardAdapters(
                               registry: registry, gatewayAdapters: StandardGatewayAdapters(registryPath: path, clock: clock)))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Remembers every effect the loop asked for, then hands it to the real runner.
final class RecordingPerformer: EffectPerforming {
    let runner: EffectRunner
    private(set) var performed: [Effect] = []

    init(_ runner: EffectRunner) { self.runner = runner }

    func perform(_ effects: [Effect]) {
        performed += effects
        runner.perform(effects)
    }
}

/// Drives the real `ConsoleLoop`, with the real update, effect runner and render, on the in-memory terminal, so
/// tests read like an operator's session: press keys, wait for results, look at the screen. The screen is what the
/// loop's writes put on the terminal, so the frame difference is exercised by every test.
final class Driver {
    let inbox = ActionInbox()
    let runner: EffectRunner
    let recorder: RecordingPerformer
    let terminal: MemoryTerminal
    let loop: ConsoleLoop

    init(_ fixture: DemoFixture, size: Size = Size(width: 80, height: 24), readonly: Bool = false,
         configuration: ClienteleConfiguration = ClienteleConfiguration(), gatewayAdapters: (any GatewayAdapters)? = nil)
    {
        let state = AppState(size: size, now: DemoFixture.now, readonly: readonly, registryPath: "demo/registry.sqlite",
                             configuration: configuration)
        runner = EffectRunner(registry: fixture.registry, adapters: fixture.adapters, actor: "tester",
                              readonly: readonly, inbox: inbox, gatewayAdapters: gatewayAdapters)
        recorder = RecordingPerformer(runner)
        terminal = MemoryTerminal(size: size)
        // No polling by the clock: tests send ticks themselves.
        loop = ConsoleLoop(state: state, terminal: terminal, runner: recorder, inbox: inbox, clock: DemoFixture.clock,
                           pollInterval: .infinity)
    }

    var state: AppState {
        get { loop.state }
        set { loop.state = newValue }
    }

    var performed: [Effect] { recorder.performed }

    func start() async {
        loop.start()
        await quiesce()
    }

    func send(_ action: Action) async {
        loop.apply(action)
        await quiesce()
    }

    /// Keys one at a time, each waiting for its answers, as an operator who looks at the screen between keys.
    func press(_ keys: KeyEvent...) async {
        for key in keys {
            terminal.pendingKeys.append(key)
            await quiesce()
        }
    }

    /// One key, applied in one round of the loop, before any answer to it can come back.
    func pressOnly(_ key: KeyEvent) {
        terminal.pendingKeys.append(key)
        loop.step(waitMilliseconds: 0)
    }

    /// Text as one burst (a fast typist, a paste): the loop applies it before the next frame.
    func type(_ text: String) async {
        terminal.pendingKeys += text.map { KeyEvent.character($0) }
        await quiesce()
    }

    /// Runs the loop until every key is taken, every answer is in and applied, and the screen is drawn. Work that
    /// waits on the operator (a rotation's show-once step) is left running; `settle` waits for it. The deadline is
    /// generous because effects share the cooperative pool with every test running beside this one; it only
    /// matters when something never answers, and then the test says so.
    func quiesce(timeout: Double = 60) async {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            loop.step(waitMilliseconds: 0)
            if terminal.pendingKeys.isEmpty && runner.inFlight == 0 && inbox.isEmpty {
                loop.step(waitMilliseconds: 0)
                if inbox.isEmpty && runner.inFlight == 0 { return }
            }
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        Issue.record("the console did not settle within \(timeout) s: \(runner.inFlight) effects still running")
    }

    /// Runs the loop until `condition` holds (or a few seconds pass), then lets every answer in.
    @discardableResult
    func settle(timeout: Double = 60, until condition: (AppState) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            loop.step(waitMilliseconds: 0)
            if condition(state) {
                await quiesce()
                return true
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return condition(state)
    }

    /// What the terminal shows. After `quiesce` it is the last state drawn; the test also checks it is what
    /// rendering the state from scratch gives, so a missed cell in the difference fails the test that saw it.
    var frame: CellBuffer {
        loop.step(waitMilliseconds: 0)
        let rendered = ConsoleRender.render(state)
        #expect(terminal.screen == rendered, "the terminal's cells differ from a fresh render of the state")
        return terminal.screen
    }

    var screenText: String { frame.textLines.joined(separator: "\n") }

    var modalName: String? { state.modal?.name }
}
