import ClienteleCore
import Foundation

/// Where the loop sends the effects `update` asks for. The effect runner is the real one; tests may wrap it to see
/// which effects were asked for.
public protocol EffectPerforming: AnyObject {
    func perform(_ effects: [Effect])
}

/// The UI thread's loop: read keys, apply actions, draw. Effects go to the runner; results come back through the
/// inbox, whose posts end the wait for a key, so a result is drawn as it arrives. Input waits at most a few tens of
/// milliseconds, so ticks and resizes are seen promptly. It
/// keeps what the terminal shows and hands the backend only the cells that changed.
public final class ConsoleLoop {
    public internal(set) var state: AppState {
        didSet { dirty = true }
    }
    let terminal: TerminalBackend
    let runner: EffectPerforming
    let inbox: ActionInbox
    let clock: ClienteleClock
    let pollInterval: Double
    var screen = TerminalScreen()
    private var dirty = true
    private var lastTick = Date()

    public init(state: AppState, terminal: TerminalBackend, runner: EffectPerforming, inbox: ActionInbox,
                clock: ClienteleClock, pollInterval: Double = 1)
    {
        self.state = state
        self.terminal = terminal
        self.runner = runner
        self.inbox = inbox
        self.clock = clock
        self.pollInterval = pollInterval
    }

    func apply(_ action: Action) {
        let effects = ConsoleUpdate.update(&state, action)
        runner.perform(effects)
        switch action {
        case .rotationFinished, .longWorkFinished:
            // Command deliveries run with their output discarded; a full repaint after long work still mends
            // anything else that wrote to the terminal behind ncurses' back.
            screen.invalidate()
        default:
            break
        }
    }

    /// Asks for what the first frame needs.
    public func start() {
        runner.perform(ConsoleUpdate.start(state))
    }

    /// Draws the state, sending the backend only what changed since the last frame.
    func draw() {
        let frame = ConsoleRender.render(state)
        if screen.needsClear(for: frame) { terminal.clear() }
        terminal.write(screen.changes(to: frame))
        dirty = false
    }

    /// One round: apply results, follow a resize, draw if anything changed, then take the keys that came within
    /// `waitMilliseconds` (not waiting while results are queued) and the tick. Returns whether a key or a result
    /// arrived.
    @discardableResult
    func step(waitMilliseconds: Int) -> Bool {
        let actions = inbox.drain()
        for action in actions { apply(action) }
        let size = terminal.size
        if size != state.size { apply(.resized(size)) }
        if dirty { draw() }
        if state.quitting { return true }
        // A burst of keys (a paste, a held key) is applied before the next frame.
        var sawKey = false
        var key = terminal.readKey(timeoutMilliseconds: inbox.isEmpty ? waitMilliseconds : 0, wakeup: inbox.wakeup)
        var burst = 0
        while let event = key {
            sawKey = true
            if event == .resize {
                screen.invalidate()
                apply(.resized(terminal.size))
            } else {
                apply(.key(event))
            }
            burst += 1
            if state.quitting || burst >= 64 { break }
            key = terminal.readKey(timeoutMilliseconds: 0, wakeup: inbox.wakeup)
        }
        if Date().timeIntervalSince(lastTick) >= pollInterval {
            lastTick = Date()
            apply(.tick(clock.now))
        }
        return sawKey || !actions.isEmpty
    }

    /// Runs rounds of an already started loop until `done` (asked after each round) says so, or the operator
    /// quits; for timing the loop as it runs.
    public func run(until done: (ConsoleLoop) -> Bool) {
        while !state.quitting && !done(self) { step(waitMilliseconds: 40) }
    }

    /// Runs until the operator quits, or until `maxIdleRounds` rounds pass with no input and no results.
    public func run(maxIdleRounds: Int? = nil) {
        start()
        var idleRounds = 0
        while !state.quitting {
            idleRounds = step(waitMilliseconds: 40) ? 0 : idleRounds + 1
            if let maxIdleRounds, idleRounds > maxIdleRounds { break }
        }
        if state.quitting { draw() }
    }
}
