import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the registry's policies and clients with what each gateway runs and holds (exit 0 none, 1 drift, 2 error).",
            discussion: """
                A policy difference is one of: missing (assigned, absent at the gateway), unassigned (at the \
                gateway, not assigned), configured (which field: theirs vs ours), ordered, or not-loaded (Tyk, \
                before a reload). Defaults the gateway fills in are not drift. Resolve with `clientele policy apply \
                --env ENV` (the registry wins) or `clientele gateway sync --adopt` (the gateway wins).

                A client app difference is one of: orphaned (its client id has no client at the IdP), missing at \
                gateway (an IdP client the registry gives an API has no app there), stale secret copy (the IdP \
                rejects the copy the gateway shows: "Reset Secret" pressed at the gateway, or a rotation at the IdP \
                the copy never followed), or a contract the registry does not grant (and the reverse; `client grant`, \
                or `gateway sync --adopt`). The copy is sent to the IdP to be checked and never kept.
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
            let apps: [GatewayAppDifference]
            let error: String?
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let adapters = global.gatewayAdapters(for: registry)
            let reports = await (try global.gatewayPolicies(for: registry, gateways: adapters).drift(environment: env))
            let apps = global.gatewayApps(for: registry, gateways: adapters)
            var clientSides: [GatewayAppReport] = []
            for gateway in Set(reports.map(\.gateway).filter { !$0.isEmpty }).sorted() {
                clientSides += await apps.drift(gateway: gateway, actor: global.actorName)
            }
            if output.json {
                try JSONOutput.print(reports.map {
                    Row(environment: $0.environment, gateway: $0.gateway, differences: $0.differences,
                        unfinishedApply: $0.unfinishedApply,
                        apps: GatewayAppText.differences(in: $0.environment, at: $0.gateway, clientSides),
                        error: $0.error ?? GatewayAppText.error(at: $0.gateway, clientSides))
                })
            } else {
                if reports.isEmpty { print("No environment is bound to a gateway; bind one with `clientele env set ENV --gateway NAME`.") }
                for report in reports {
                    if let error = report.error {
                        print("✗ \(printable(report.environment))\(report.gateway.isEmpty ? "" : " (\(printable(report.gateway)))"): \(printable(error))")
                        continue
                    }
                    guard let inspection = report.inspection else { continue }
                    let apps = GatewayAppText.differences(in: report.environment, at: report.gateway, clientSides)
                    defer {
                        if let error = GatewayAppText.error(at: report.gateway, clientSides) { print("  ✗ \(printable(error))") }
                        for app in apps { print("  \(printable(app.line))") }
                    }
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
            if reports.contains(where: { $0.error != nil }) || clientSides.contains(where: { $0.error != nil }) {
                throw ExitCode(2)
            }
            // Only the environments shown count: a gateway's other environments may differ without `--env` saying so.
            let appDrift = reports.contains { report in
                GatewayAppText.differences(in: report.environment, at: report.gateway, clientSides)
                    .contains { $0.finding.kind.isDrift }
            }
            if reports.contains(where: { !$0.differences.isEmpty }) || appDrift { throw ExitCode(1) }
        }
    }
}
