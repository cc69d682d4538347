import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "env", abstract: "List, add and remove environments (Sandbox, Dev, Test, Prod…).",
            subcommands: [List.self, Add.self, Set.self, Remove.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List environments with their gateway and counts.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            struct Row: Encodable {
                let name: String
                let businessGroup: String?
                /// The gateway kind (kong, tyk, anypoint, none).
                let gateway: String
                /// The bound gateway's name, when one is bound.
                let gatewayName: String?
                let gatewayEnvironment: String?
                let clients: Int
                let policies: Int
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let environments = try registry.environments()
                let assignments = try registry.allAssignments()
                let gateways = Dictionary(uniqueKeysWithValues: try registry.gateways().map { ($0.id!, $0.name) })
                let rows = try environments.map { environment in
                    Row(name: environment.name, businessGroup: environment.businessGroup,
                        gateway: environment.gateway.rawValue,
                        gatewayName: environment.gatewayId.flatMap { gateways[$0] },
                        gatewayEnvironment: environment.gatewayEnvironment,
                        clients: try registry.clients(matching: ClientFilter(environment: environment.name)).count,
                        policies: assignments.filter { $0.environmentId == environment.id }.count)
                }
                if output.json { return try JSONOutput.print(rows) }
                var table = TextTable("ENVIRONMENT", "GATEWAY", "BUSINESS GROUP", "CLIENTS", "POLICIES")
                for row in rows {
                    let gateway = row.gatewayName.map { "\($0) (\(row.gateway)\(row.gatewayEnvironment.map { " \($0)" } ?? ""))" }
                        ?? (row.gateway == "none" ? "none" : "\(row.gateway) (not bound)")
                    table.add(printable(row.name), printable(gateway), printable(row.businessGroup ?? "-"),
                              String(row.clients), String(row.policies))
                }
                table.print()
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an environment.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The environment's name, such as Prod.")
            var name: String

            @OptionGroup var binding: GatewayBindingOptions

            @Option(help: "Anypoint business group (or the gateway's equivalent).")
            var businessGroup: String?

            func run() async throws {
                let registry = try global.openRegistry()
                let target = binding.gateway.flatMap { $0.lowercased() == "none" ? nil : $0 }
                if target == nil, binding.gatewayEnvironment != nil {
                    throw ValidationError("--gateway-environment needs --gateway NAME")
                }
                // A gateway kind where no gateway has that name records the kind alone, unbound, as registries
                // from before gateways were recorded do; binding it later is `env set --gateway NAME`.
                if let target, (try? registry.gateway(named: target)) == nil,
                    let kind = GatewayKind(rawValue: target.lowercased()), kind != .none, binding.gatewayEnvironment == nil
                {
                    let environment = try registry.addEnvironment(
                        name: name, businessGroup: businessGroup, gateway: kind, actor: global.actorName)
                    return print("Added environment \(printable(environment.name)) (\(kind.rawValue), not bound: add the gateway with `clientele gateway add \(kind.rawValue) …`, then `clientele env set \(environment.name) --gateway NAME`).")
                }
                let environment = try registry.addEnvironment(
                    name: name, businessGroup: businessGroup, gateway: .none, boundTo: target,
                    gatewayEnvironment: binding.gatewayEnvironment, actor: global.actorName)
                print("Added environment \(printable(environment.name)) (\(try Env.describeBinding(environment, registry)))."
                    + (environment.gatewayId == nil ? "" : " Next: clientele gateway sync --gateway \(binding.gateway!)"))
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Bind an environment to a gateway (or to none), and to its own environment there.",
                discussion: """
                    --gateway-environment is what the environment owns at the gateway: on Kong the tag on its \
                    services, on Tyk its org id, on Anypoint its environment id inside the organization (required).
                    Example: clientele env set Prod --gateway kong-prod --gateway-environment prod
                    """)

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The environment's name.")
            var name: String

            @OptionGroup var binding: GatewayBindingOptions

            func validate() throws {
                guard binding.gateway != nil else { throw ValidationError("give --gateway NAME (or --gateway none)") }
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let target = binding.gateway!.lowercased() == "none" ? nil : binding.gateway
                if target == nil, binding.gatewayEnvironment != nil {
                    throw ValidationError("--gateway-environment needs --gateway NAME")
                }
                let environment = try registry.bindEnvironment(
                    named: name, to: target, gatewayEnvironment: binding.gatewayEnvironment, actor: global.actorName)
                print("Environment \(printable(environment.name)) is now \(try Env.describeBinding(environment, registry)).")
            }
        }

        static func describeBinding(_ environment: Environment, _ registry: Registry) throws -> String {
            guard let gatewayId = environment.gatewayId else { return "not bound to a gateway" }
            let gateway = try registry.gateway(id: gatewayId)
            return "bound to \(gateway.kind.rawValue) gateway \(gateway.name)"
                + (environment.gatewayEnvironment.map { " (\(gateway.kind.environmentMeaning): \($0))" } ?? "")
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

/// `--gateway NAME [--gateway-environment ID]`.
struct GatewayBindingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway in front of it, by name (see `clientele gateway list`), or none.",
                               valueName: "name"))
    var gateway: String?

    @Option(help: ArgumentHelp(
        "Its own environment at the gateway: Kong tag, Tyk org id, Anypoint environment id.", valueName: "id"))
    var gatewayEnvironment: String?
}
