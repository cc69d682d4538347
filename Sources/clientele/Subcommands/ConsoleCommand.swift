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
            let registry = try global.openRegistry(mapping: .none)
            try await Console.run(
                registry: registry, adapters: global.adapters(for: registry),
                options: ConsoleOptions(registryPath: registry.path, readonly: readonly, theme: theme,
                                        actor: global.actorName))
        }
    }

    /// Measures the console in-process on a registry, for `scripts/bench`.
    struct ConsoleBenchmarkCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console-benchmark", abstract: "Measure the console's frame times on a registry.",
            shouldDisplay: false)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let registry = try global.openRegistry(mapping: .none)
            let results = try await ConsoleBenchmark.run(registry: registry, adapters: global.adapters(for: registry))
            for key in results.keys.sorted() { print("console \(key): \(String(format: "%.3f", results[key]!))") }
        }
    }
}
