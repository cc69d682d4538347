import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Apps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the client apps each gateway holds, as the last `gateway sync` or `gateway drift` found them.",
            discussion: """
                LINKED TO is the IdP client with the app's client id (the IdP's secret is the one that counts); HELD \
                names the clients under the gateway's name that carry the secrets the gateway validates itself \
                (rotate them with `clientele rotate`). Reads no gateway: run `clientele gateway drift` for now.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Only this gateway's apps.")
        var gateway: String?

        @Option(help: "Only the apps used in this environment.")
        var env: String?

        func run() async throws {
            let registry = try global.openRegistry()
            if let env { _ = try registry.environment(named: env) }
            let listings = try registry.gatewayAppListings(gateway: gateway).filter { listing in
                env.map { wanted in listing.environments.contains { $0.caseInsensitiveCompare(wanted) == .orderedSame } } ?? true
            }
            if output.json { return try JSONOutput.print(listings) }
            if listings.isEmpty {
                print("No client apps recorded\(gateway.map { " for gateway \(printable($0))" } ?? ""); `clientele gateway sync` reads them.")
                return
            }
            var table = TextTable("GATEWAY", "APP", "CLIENT ID", "LINKED TO", "HELD", "ENVIRONMENTS", "CREDENTIALS", "STATE")
            for listing in listings {
                table.add(
                    printable(listing.gateway), printable("\(listing.app.kind.label) \(listing.app.name)"),
                    printable(listing.app.clientIds.first ?? "-"), printable(listing.linkedClient ?? "-"),
                    printable(listing.heldSecretsOf.isEmpty ? "-" : listing.heldSecretsOf.joined(separator: ", ")),
                    printable(listing.environments.joined(separator: ", ")),
                    String(listing.app.credentials.count),
                    listing.findings.stateText)
            }
            table.print()
        }
    }
}
