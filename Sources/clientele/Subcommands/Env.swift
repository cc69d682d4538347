import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "env", abstract: "List, add and remove environments (Sandbox, Dev, Test, Prod…).",
            subcommands: [List.self, Add.self, Remove.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List environments with their gateway and counts.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            struct Row: Encodable {
                let name: String
                let businessGroup: String?
                let gateway: String
                let clients: Int
                let policies: Int
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let environments = try registry.environments()
                let assignments = try registry.allAssignments()
                let rows = try environments.map { environment in
                    Row(name: environment.name, businessGroup: environment.businessGroup,
                        gateway: environment.gateway.rawValue,
                        clients: try registry.clients(matching: ClientFilter(environment: environment.name)).count,
                        policies: assignments.filter { $0.environmentId == environment.id }.count)
                }
                if output.json { return try JSONOutput.print(rows) }
                var table = TextTable("ENVIRONMENT", "GATEWAY", "BUSINESS GROUP", "CLIENTS", "POLICIES")
                for row in rows {
                    table.add(printable(row.name), row.gateway, printable(row.businessGroup ?? "-"), String(row.clients),
                              String(row.policies))
                }
                table.print()
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an environment.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The environment's name, such as Prod.")
            var name: String

            @Option(help: "The gateway in front of it: anypoint, kong, tyk or none.")
            var gateway: GatewayKind = .none

            @Option(help: "Anypoint business group (or the gateway's equivalent).")
            var businessGroup: String?

            func run() async throws {
                let registry = try global.openRegistry()
                let environment = try registry.addEnvironment(
                    name: name, businessGroup: businessGroup, gateway: gateway, actor: global.actorName)
                print("Added environment \(printable(environment.name)) (\(environment.gateway.rawValue)).")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove an environment (with --force, also its memberships and policy assignments).")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The environment's name.")
            var name: String

            @Flag(help: "Remove it even though clients or policies are attached.")
            var force = false

            func run() async throws {
                let registry = try global.openRegistry()
                try registry.removeEnvironment(named: name, force: force, actor: global.actorName)
                print("Removed environment \(printable(name)).")
            }
        }
    }
}

extension GatewayKind: ExpressibleByArgument {}
