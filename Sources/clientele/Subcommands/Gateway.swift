import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct GatewayCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gateway",
            abstract: "API gateways (Kong, Tyk, MuleSoft Anypoint): add them, check access, import, drift, export.",
            discussion: """
                Bind an environment to a gateway with `clientele env set ENV --gateway NAME`; then `gateway sync` \
                imports its APIs and policies, `policy apply --env ENV` makes it match the registry and `gateway \
                drift` says where the two differ. Clientele records where its admin credential comes from, never \
                the credential itself.
                """,
            subcommands: [List.self, Show.self, Add.self, Remove.self, Check.self, Sync.self, Drift.self, Apps.self, Export.self],
            defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List gateways and the environments bound to them.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            struct Row: Encodable {
                let name: String
                let kind: String
                let endpoint: String
                let credential: String
                let environments: [String]
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let environments = try registry.environments()
                let rows = try registry.gateways().map { gateway in
                    Row(name: gateway.name, kind: gateway.kindLabel, endpoint: gateway.endpoint,
                        credential: gateway.credentialSource.description,
                        environments: environments.filter { $0.gatewayId == gateway.id }.map(\.name))
                }
                if output.json { return try JSONOutput.print(rows) }
                if rows.isEmpty { return print("No gateways. Add one with `clientele gateway add kong|tyk|anypoint`.") }
                var table = TextTable("GATEWAY", "KIND", "ENDPOINT", "ADMIN CREDENTIAL", "ENVIRONMENTS")
                for row in rows {
                    table.add(printable(row.name), row.kind, printable(row.endpoint), printable(row.credential),
                              row.environments.isEmpty ? "-" : row.environments.map(printable).joined(separator: ","))
                }
                table.print()
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one gateway's settings and environments.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Argument(help: "The gateway's name.")
            var name: String

            struct Shown: Encodable {
                let name: String
                let kind: String
                let settings: GatewaySettings
                let credential: String
                let environments: [Bound]
                let createdAt: Date
            }

            struct Bound: Encodable {
                let environment: String
                let gatewayEnvironment: String?
                let apis: Int
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let gateway = try registry.gateway(named: name)
                let apis = try registry.apis()
                let bound = try registry.environments().filter { $0.gatewayId == gateway.id }.map { environment in
                    Bound(environment: environment.name, gatewayEnvironment: environment.gatewayEnvironment,
                          apis: apis.filter { $0.0.id == environment.id }.count)
                }
                let shown = Shown(name: gateway.name, kind: gateway.kindLabel, settings: gateway.settings,
                                  credential: gateway.credentialSource.description, environments: bound,
                                  createdAt: gateway.createdAt)
                if output.json { return try JSONOutput.print(shown) }
                print("gateway     \(printable(gateway.name)) (\(gateway.kindLabel))")
                print("endpoint    \(printable(gateway.endpoint))")
                if let organization = gateway.settings.organizationId { print("organization \(printable(organization))") }
                if let clientId = gateway.settings.clientId { print("client id   \(printable(clientId))") }
                print("credential  \(printable(gateway.credentialSource.description))")
                if bound.isEmpty {
                    print("environments none (bind one with `clientele env set ENV --gateway \(gateway.name)`)")
                }
                for entry in bound {
                    print("environment \(printable(entry.environment))"
                        + (entry.gatewayEnvironment.map { " → \(printable($0))" } ?? "") + " (\(entry.apis) APIs imported)")
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Forget a gateway (nothing changes at the gateway); environments bound to it must be rebound first.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The gateway's name.")
            var name: String

            func run() async throws {
                let registry = try global.openRegistry()
                try registry.removeGateway(named: name, actor: global.actorName)
                print("Removed gateway \(printable(name)). Nothing changed at the gateway itself.")
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check that Clientele can reach each gateway and act there (exit 2 when one cannot).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Argument(help: "One gateway (default: all).")
            var name: String?

            struct Row: Encodable {
                let gateway: String
                let kind: String
                let check: GatewayCheck?
                let error: String?
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let gateways = try name.map { [try registry.gateway(named: $0)] } ?? registry.gateways()
                let adapters = StandardGatewayAdapters(registry: registry)
                var rows: [Row] = []
                for gateway in gateways {
                    do {
                        let check = try await adapters.adapter(for: gateway).check()
                        rows.append(Row(gateway: gateway.name, kind: gateway.kindLabel, check: check, error: nil))
                    } catch {
                        rows.append(Row(gateway: gateway.name, kind: gateway.kindLabel, check: nil,
                                        error: (error as? ClienteleError)?.description ?? "\(error)"))
                    }
                }
                if output.json {
                    try JSONOutput.print(rows)
                } else {
                    if rows.isEmpty { print("No gateways. Add one with `clientele gateway add kong|tyk|anypoint`.") }
                    for row in rows {
                        guard let check = row.check else {
                            print("✗ \(printable(row.gateway)) (\(row.kind)): \(printable(row.error ?? "failed"))")
                            continue
                        }
                        let version = [check.version, check.edition].compactMap { $0 }.joined(separator: " ")
                        print("\(check.isHealthy ? "✓" : "✗") \(printable(row.gateway)) (\(row.kind))"
                            + (version.isEmpty ? "" : " \(printable(version))")
                            + ": \(check.reachable ? "reachable" : "unreachable"), credential \(check.credentialAccepted ? "accepted" : "refused")")
                        check.manageable.forEach { print("    can manage: \(printable($0))") }
                        check.problems.forEach { print("    problem: \(printable($0))") }
                    }
                }
                if rows.contains(where: { !($0.check?.isHealthy ?? false) }) { throw ExitCode(2) }
            }
        }
    }
}

extension GatewayKind: ExpressibleByArgument {}
