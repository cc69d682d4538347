import ClienteleCore
import Foundation

/// The console's entry point for the CLI.
public enum Console {
    /// Runs the console on this terminal until the operator quits. Throws when standard input or output is not a
    /// terminal. A theme problem is reported as one line on standard error before the screen opens, and the default
    /// theme is used.
    public static func run(registry: Registry, adapters: any IdentityProviderAdapters, options: ConsoleOptions)
        async throws
    {
        let resolution = ThemeResolver(environment: options.environment).resolve(options.theme)
        if let warning = resolution.warning {
            FileHandle.standardError.write(Data("clientele: \(warning)\n".utf8))
        }
        let theme = resolution.theme
        // With LINES or COLUMNS in the environment (some shells and test runners export them), ncurses pins the
        // screen to those numbers and every later resize goes unnoticed. The console always follows the tty.
        // Done once, before the console thread exists and while nothing else in the process reads the environment.
        unsetenv("LINES")
        unsetenv("COLUMNS")
        let session = "clientele console, pid \(getpid()), started \(Timestamp.iso8601(Date())), registry \(options.registryPath)"
        let diversion = isatty(STDOUT_FILENO) == 1 ? StandardErrorDiversion(to: options.logPath, session: session) : nil
        let failure: String? = await withCheckedContinuation { continuation in
            // ncurses keeps global state and blocks in get_wch: it gets a thread of its own rather than a slot of
            // the cooperative pool, which the effects need.
            let thread = Thread {
                guard let terminal = NCursesTerminal(theme: theme) else {
                    continuation.resume(returning: "the console needs a terminal: standard input and output must be a TTY")
                    return
                }
                let inbox = ActionInbox()
                let runner = EffectRunner(registry: registry, adapters: adapters, actor: options.actor,
                                          readonly: options.readonly, inbox: inbox,
                                          rotationDefaults: options.configuration.rotationDefaults)
                var state = AppState(size: terminal.size, now: registry.clock.now, readonly: options.readonly,
                                     registryPath: options.registryPath, configuration: options.configuration,
                                     homeDirectory: options.environment["HOME"])
                if let warning = resolution.warning { state.status = StatusLine(warning, kind: .error) }
                let loop = ConsoleLoop(state: state, terminal: terminal, runner: runner, inbox: inbox,
                                       clock: registry.clock, pollInterval: options.pollInterval)
                loop.run()
                runner.shutdown()
                terminal.close()
                continuation.resume(returning: nil)
            }
            thread.name = "clientele-console"
            thread.stackSize = 8 << 20
            thread.start()
        }
        if let diversion, case let logged = diversion.end(), logged > 0 {
            FileHandle.standardError.write(Data("clientele: the console logged \(logged) bytes to \(diversion.path)\n".utf8))
        }
        if let failure { throw ClienteleError.invalidInput(failure) }
    }
}
