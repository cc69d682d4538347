import ClienteleCore
import Foundation

/// The UI thread's loop: read keys, apply actions, draw. Effects go to the runner; results come back through the
/// inbox. Input waits at most a few tens of milliseconds, so results, ticks and resizes are drawn promptly.
public final class ConsoleLoop {
    public private(set) var state: AppState
    let terminal: Terminal
    let runner: EffectRunner
    let inbox: ActionInbox
    let clock: ClienteleClock
    let pollInterval: Double

    public init(state: AppState, terminal: Terminal, runner: EffectRunner, inbox: ActionInbox, clock: ClienteleClock,
                pollInterval: Double = 1)
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
            terminal.invalidate()
        default:
            break
        }
    }

    /// Runs until the operator quits, or until `maxIdleRounds` rounds pass with no input and no results (tests).
    public func run(maxIdleRounds: Int? = nil) {
        runner.perform(ConsoleUpdate.start(state))
        var lastTick = Date()
        var idleRounds = 0
        var dirty = true
        while !state.quitting {
            let actions = inbox.drain()
            for action in actions { apply(action) }
            let size = terminal.size
            if size != state.size { apply(.resized(size)) }
            if dirty || !actions.isEmpty || size != state.size {
                terminal.draw(ConsoleRender.render(state))
                dirty = false
            }
            if state.quitting { break }
            // A burst of keys (a paste, a held key) is applied before the next frame.
            var sawKey = false
            var key = terminal.readKey(timeoutMilliseconds: inbox.isEmpty ? 40 : 0)
            var burst = 0
            while let event = key {
                sawKey = true
                if event == .resize {
                    terminal.invalidate()
                    apply(.resized(terminal.size))
                } else {
                    apply(.key(event))
                }
                burst += 1
                if state.quitting || burst >= 64 { break }
                key = terminal.readKey(timeoutMilliseconds: 0)
            }
            dirty = dirty || sawKey
            if Date().timeIntervalSince(lastTick) >= pollInterval {
                lastTick = Date()
                apply(.tick(clock.now))
                dirty = true
            }
            idleRounds = sawKey || !actions.isEmpty ? 0 : idleRounds + 1
            if let maxIdleRounds, idleRounds > maxIdleRounds { break }
        }
        if state.quitting { terminal.draw(ConsoleRender.render(state)) }
    }
}
