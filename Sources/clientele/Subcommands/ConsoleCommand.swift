import ArgumentParser
import ClienteleCore
import ClienteleTUI
import Foundation

extension ClienteleCommand {
    struct ConsoleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console",
            abstract: "Open the console: browse clients, expiring secrets, policies and rotations; rotate by keypress.",
            discussion: "This is what `clientele` alone opens. Press ? inside for every key.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Offer nothing that changes the registry or an identity provider.")
        var readonly = false

        @Option(help: ArgumentHelp(
            "Theme name (dark, light, high-contrast, colorblind, monochrome) or a theme file.",
            discussion: "Default: $CLIENTELE_THEME, else dark; NO_COLOR forces monochrome.", valueName: "name|path"))
        var theme: String?

        func run() async throws {
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
                throw ClienteleError.invalidInput(
                    "the console needs a terminal; for scripts use the subcommands (see `clientele --help`)")
            }
            // Read before the screen opens, so a bad file is one line on the terminal, as it is for the CLI.
            let configuration = try global.configuration()
            let registry = try global.openRegistry(mapping: .none)
            try await Console.run(
                registry: registry, adapters: global.adapters(for: registry),
                options: ConsoleOptions(registryPath: registry.path, readonly: readonly, theme: theme,
                                        actor: global.actorName, configuration: configuration))
        }
    }
}
