import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// A way to try the real ncurses console before the CLI's `clientele console` exists: with
/// CLIENTELE_TUI_LIVE_REGISTRY=PATH, running this test binary at a terminal opens the console on that registry.
/// Without the variable it does nothing.
struct LiveConsoleHarness {
    @Test func liveConsole() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["CLIENTELE_TUI_LIVE_REGISTRY"] else { return }
        let clock = try ClienteleClock.fromEnvironment()
        let registry = try Registry.open(at: path, clock: clock)
        try await Console.run(
            registry: registry, adapters: StandardAdapters(registryPath: path, clock: clock),
            options: ConsoleOptions(registryPath: path, readonly: environment["CLIENTELE_TUI_LIVE_READONLY"] == "1",
                                    theme: environment["CLIENTELE_TUI_LIVE_THEME"], actor: "live-harness"))
    }
}
