import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct ApiCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api", abstract: "The APIs each environment's gateway holds, as `gateway sync` imported them.",
            subcommands: [List.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List imported APIs (Kong services, Tyk API definitions, Anypoint API instances).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Option(help: "Only this environment.")
            var env: String?

            struct Row: Encodable {
                let environment: String
                let name: String
                let remoteId: String
                let detail: String
                let syncedAt: Date
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let rows = try registry.apis(in: env).map {
                    Row(environment: $0.0.name, name: $0.1.name, remoteId: $0.1.remoteId, detail: $0.1.detail,
                        syncedAt: $0.1.syncedAt)
                }
                if output.json { return try JSONOutput.print(rows) }
                if rows.isEmpty { return print("No APIs imported. Run `clientele gateway sync` after binding an environment to a gateway.") }
                var table = TextTable("ENVIRONMENT", "API", "ID AT GATEWAY", "DETAIL")
                for row in rows {
                    table.add(printable(row.environment), printable(row.name), printable(row.remoteId), printable(row.detail))
                }
                table.print()
            }
        }
    }
}
