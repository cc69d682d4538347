import ArgumentParser
import ClienteleCore
import ClienteleTUI
import Foundation

extension ClienteleCommand {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build (or reuse) a demo registry with sample clients and a sandbox identity provider.",
            discussion: """
                The demo lives in $XDG_DATA_HOME/clientele/demo unless --registry says otherwise. Its sandbox IdP \
                behaves like Entra ID (overlapping secrets, 24-month cap) and like an OIDC provider (one secret at a \
                time), so every command works on it for real.
                """)

        @Option(help: ArgumentHelp(
            "Where to build the demo registry: a SQLite path, or an empty PostgreSQL database's postgres:// URL.",
            valueName: "path"))
        var registry: String?

        @Option(help: "How many clients to generate (100000 builds a benchmark-sized registry).")
        var clients = 60

        @Option(help: "Seed for the generated data: the same seed builds the same registry.")
        var seed: UInt64 = 7

        @Flag(help: "Delete an existing demo registry first and build it anew.")
        var reset = false

        @Flag(help: "Build the registry and print where it is, without opening the console (also when not at a terminal).")
        var buildOnly = false

        func validate() throws {
            guard (1...1_000_000).contains(clients) else {
                throw ValidationError("--clients must be between 1 and 1000000")
            }
            if reset, let registry, PostgresLocation.isPostgres(registry) {
                throw ValidationError(
                    "--reset empties only a SQLite demo: for PostgreSQL, drop and create the database (dropdb, createdb), then run the demo")
            }
        }

        func run() async throws {
            let path = registry.map { RegistryLocation.resolve(explicit: $0) } ?? DemoBuilder.defaultPath()
            let clock = try ClienteleClock.fromEnvironment()
            let builder = DemoBuilder(registryPath: path, clients: clients, seed: seed, clock: clock)
            if reset { try builder.removeExisting() }
            // What messages name it by: a URL without its password.
            var shown = path
            let summary: String
            if FileManager.default.fileExists(atPath: path) {
                let existing = try Registry.open(at: path, clock: clock)
                summary = "Reusing the demo registry at \(path) (\(try existing.clientCount()) clients; --reset rebuilds it)."
            } else {
                let built = try await builder.build()
                shown = built.registryPath
                summary = String(
                    format: "Built a demo registry at %@: %d clients, %d secrets in %.1f s.", built.registryPath,
                    built.clients, built.secrets, built.seconds)
            }
            if !buildOnly && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
                let configuration = try ClienteleConfiguration.load(explicit: nil)
                let registry = try Registry.open(at: path, clock: clock, mapping: .none)
                return try await Console.run(
                    registry: registry,
                    adapters: StandardAdapters(
                        registry: registry,
                        gatewayAdapters: StandardGatewayAdapters(registry: registry)),
                    options: ConsoleOptions(registryPath: registry.path, actor: AuditActor.resolve(nil),
                                            configuration: configuration))
            }
            print(summary)
            print("""
                Try:
                  clientele secrets expiring --within 30d --registry \(shown)
                  clientele client list --env Prod --registry \(shown)
                  clientele rotate <client> --secret-file ./new-secret --registry \(shown)
                  clientele policy show --env Prod --registry \(shown)
                """)
        }
    }
}
