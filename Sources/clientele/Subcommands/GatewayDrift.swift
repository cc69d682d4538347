import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the registry's policies with what each gateway runs (exit 0 none, 1 drift, 2 error).",
            discussion: """
                Each difference is one of: missing (assigned, absent at the gateway), unassigned (at the gateway, \
                not assigned), configured (which field: theirs vs ours), ordered, or not-loaded (Tyk, before a \
                reload). Defaults the gateway fills in are not drift. Resolve with `clientele policy apply --env ENV` \
                (the registry wins) or `clientele gateway sync --adopt` (the gateway wins).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Only this environment (default: every environment bound to a gateway).")
        var env: String?

        struct Row: Encodable {
            let environment: String
            let gateway: String
            let differences: [GatewayDifference]
            let unfinishedApply: Int64?
            let error: String?
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let reports = await (try global.gatewayPolicies(for: registry).drift(environment: env))
            if output.json {
                try JSONOutput.print(reports.map {
                    Row(environment: $0.environment, gateway: $0.gateway, differences: $0.differences,
                        unfinishedApply: $0.unfinishedApply, error: $0.error)
                })
            } else {
                if reports.isEmpty { print("No environment is bound to a gateway; bind one with `clientele env set ENV --gateway NAME`.") }
                for report in reports {
                    if let error = report.error {
                        print("✗ \(printable(report.environment))\(report.gateway.isEmpty ? "" : " (\(printable(report.gateway)))"): \(printable(error))")
                        continue
                    }
                    guard let inspection = report.inspection else { continue }
                    if report.differences.isEmpty {
                        print("= \(printable(report.environment)) (\(printable(report.gateway))): the gateway runs what the registry assigns (\(inspection.apis.count) APIs)")
                        continue
                    }
                    print("≠ \(printable(report.environment)) (\(printable(report.gateway))): \(report.differences.count) difference\(report.differences.count == 1 ? "" : "s")")
                    for difference in report.differences {
                        GatewayText.lines(for: difference, mapping: inspection.mapping).forEach { print("  " + printable($0)) }
                    }
                    if let apply = report.unfinishedApply {
                        print("  policy apply #\(apply) stopped before it finished: `clientele policy apply --env \(printable(report.environment))` resumes it")
                    }
                }
            }
            if reports.contains(where: { $0.error != nil }) { throw ExitCode(2) }
            if reports.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
        }
    }
}
