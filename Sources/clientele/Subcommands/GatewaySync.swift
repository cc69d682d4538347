import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import each bound environment's APIs, the policies and the client apps its gateway has (exit 1 when they differ from the registry).",
            discussion: """
                The client side: each gateway's client apps (Anypoint applications, Kong consumers, Tyk OAuth \
                clients) are linked to the registry's clients by client id and checked against their IdP, and the \
                secrets the gateway validates itself (Kong key-auth keys and OAuth2 credentials, Tyk OAuth clients, \
                Anypoint client-id applications) are listed under the gateway's name, so `secrets expiring` and \
                `rotate` reach them. With --adopt, the gateway's view of each difference is taken into the registry \
                (with audit events): a policy clicked into the gateway is assigned, one changed there is \
                reconfigured, an app's contracts become its client's access. Without it, nothing in the registry's \
                assignments or access changes; `clientele policy apply` pushes the registry's policies instead.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Only the environments bound to this gateway.")
        var gateway: String?

        @Flag(help: "Take the gateway's view of every difference into the registry.")
        var adopt = false

        struct Row: Encodable {
            let environment: String
            let gateway: String
            let apis: Int
            let policies: Int
            let differences: [GatewayDifference]
            let adopted: [String]
            let apps: [GatewayAppDifference]
            let error: String?
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let gateways = global.gatewayAdapters(for: registry)
            let service = try global.gatewayPolicies(for: registry, gateways: gateways)
            let reports = try await service.sync(gateway: gateway, adopt: adopt, actor: global.actorName)
            let clientSides = await global.gatewayApps(for: registry, gateways: gateways)
                .sync(gateway: gateway, adopt: adopt, actor: global.actorName)
            if output.json {
                try JSONOutput.print(reports.map { report in
                    Row(environment: report.environment, gateway: report.gateway, apis: report.apis,
                        policies: report.elements, differences: report.differences, adopted: report.adopted,
                        apps: GatewayAppText.differences(in: report.environment, at: report.gateway, clientSides),
                        error: report.error ?? GatewayAppText.error(at: report.gateway, clientSides))
                })
            } else {
                if reports.isEmpty {
                    print("No environment is bound to \(gateway.map { "gateway \(printable($0))" } ?? "a gateway"); bind one with `clientele env set ENV --gateway NAME`.")
                }
                for report in reports {
                    if let error = report.error {
                        print("✗ \(printable(report.environment)) (\(printable(report.gateway))): \(printable(error))")
                        continue
                    }
                    print("\(printable(report.environment)) (\(printable(report.gateway))): \(report.apis) APIs, \(report.elements) policies at the gateway, \(report.differences.count) differences from the registry")
                    report.adopted.forEach { print("  adopted: \(printable($0))") }
                }
                for side in clientSides { GatewayAppText.printSync(side) }
            }
            if reports.contains(where: { $0.error != nil }) || clientSides.contains(where: { $0.error != nil }) {
                throw ExitCode(2)
            }
            if reports.contains(where: { !$0.differences.isEmpty }) || clientSides.contains(where: \.hasDrift) {
                throw ExitCode(1)
            }
        }
    }
}

/// How the client side of `gateway sync` and `gateway drift` reads at a terminal, and joins the per-environment rows.
enum GatewayAppText {
    static func differences(in environment: String, at gateway: String, _ reports: [GatewayAppReport])
        -> [GatewayAppDifference]
    {
        reports.filter { $0.gateway == gateway }.flatMap(\.differences).filter { $0.environment == environment }
    }

    static func error(at gateway: String, _ reports: [GatewayAppReport]) -> String? {
        reports.first { $0.gateway == gateway && $0.error != nil }.map { "client apps: \($0.error!)" }
    }

    static func printSync(_ report: GatewayAppReport) {
        if let error = report.error {
            print("✗ client apps at \(printable(report.gateway)): \(printable(error))")
            return
        }
        var line = "client apps at \(printable(report.gateway)): \(report.apps) (\(report.appsFound.count) new, \(report.appsGone.count) gone)"
        if let held = report.heldClients {
            line += "; \(held) hold their own secrets (\(report.heldSecretsFound ?? 0) secrets new, \(report.heldSecretsGone ?? 0) gone)"
        }
        print(line + "; \(report.differences.filter { $0.finding.kind.isDrift }.count) differences")
        report.adopted.forEach { print("  adopted: \(printable($0))") }
        printDifferences(report.differences)
    }

    static func printDifferences(_ differences: [GatewayAppDifference]) {
        var environment: String?
        for difference in differences {
            if difference.environment != environment {
                environment = difference.environment
                print("  \(printable(difference.environment)):")
            }
            print("    \(printable(difference.line))")
        }
    }
}
