import ArgumentParser
import ClienteleCore
import Foundation

/// `clientele`: the operator's console for API client credentials, and its scriptable CLI.
struct ClienteleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clientele",
        abstract: "Keep a record of API clients, their secrets and policies, and rotate secrets at the identity provider.",
        discussion: """
            Start with `clientele demo` to explore a registry of sample clients, or `clientele init` to create your \
            own registry. Read commands take --json; `clientele secrets expiring` suits cron and CI (exit 1 when \
            something is due).
            """,
        version: "0.1.0",
        subcommands: [
            ConsoleCommand.self, Init.self, Demo.self, Idp.self, Env.self, ClientCommand.self, Secrets.self,
            Rotate.self, Rotations.self, RotationPolicyCommand.self, NotifyCommand.self, PolicyCommand.self, GatewayCommand.self, ApiCommand.self, Audit.self, Sync.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}

@main
enum Main {
    static func main() async {
        LogSetup.bootstrap()
        do {
            var command = try ClienteleCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(ErrorReport.report(error))
        }
    }
}
