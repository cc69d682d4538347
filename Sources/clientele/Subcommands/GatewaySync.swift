import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import each bound environment's APIs and the policies its gateway runs (exit 1 when they differ from the registry).",
            discussion: """
                With --adopt, the gateway's view of each difference is taken into the registry (with audit events): \
                a policy clicked into the gateway is assigned, one changed there is reconfigured. Without it, \
                nothing in the registry's assignments changes; `clientele policy apply` pushes the registry's view instead.
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
            let error: String?
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let service = try global.gatewayPolicies(for: registry)
            let reports = try await service.sync(gateway: gateway, adopt: adopt, actor: global.actorName)
            if output.json {
                try JSONOutput.print(reports.map {
                    Row(environment: $0.environment, gateway: $0.gateway, apis: $0.apis, policies: $0.elements,
                        differences: $0.differences, adopted: $0.adopted, error: $0.error)
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
            }
            if reports.contains(where: { $0.error != nil }) { throw ExitCode(2) }
            if reports.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
        }
    }
}
