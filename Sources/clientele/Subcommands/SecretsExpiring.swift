import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.Secrets {
    struct Expiring: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List secrets (and Clientele's own admin credentials) that expire within a window.",
            discussion: """
                Exit status: 0 when nothing is due, 1 when something is, 2 on error, so cron and CI can act on it. \
                --format prometheus writes the text format for node_exporter's textfile collector.
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case table, json, prometheus
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The window, such as 30d, 12h or 2w.", transform: parseDuration(flag: "--within"))
        var within: DurationText = .days(30)

        @Flag(help: "Print JSON (same as --format json).")
        var json = false

        @Option(help: "table, json or prometheus.")
        var format: Format = .table

        struct Row: Encodable {
            let kind: String
            let idp: String
            let client: String
            let clientId: String?
            let keyId: String?
            let hint: String?
            let state: String
            let expiresAt: Date
            let daysLeft: Int
            let status: String
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let thresholds = try global.configuration().expiry
            let now = registry.clock.now
            let due = try registry.expiringSecrets(within: within)
            switch json ? .json : format {
            case .json:
                try JSONOutput.print(due.map { secret in
                    Row(kind: secret.kind.rawValue, idp: secret.identityProvider, client: secret.client,
                        clientId: secret.clientId, keyId: secret.keyId, hint: secret.hint, state: secret.state.rawValue,
                        expiresAt: secret.expiresAt, daysLeft: daysLeft(until: secret.expiresAt, from: now),
                        status: thresholds.classify(secret.expiresAt, now: now).rawValue)
                })
            case .prometheus:
                print(PrometheusText.expiry(due, now: now, thresholds: thresholds, window: within), terminator: "")
            case .table:
                var table = TextTable("STATUS", "DAYS", "EXPIRES", "CLIENT", "IDP", "KEY ID", "HINT")
                for secret in due {
                    table.add(
                        thresholds.classify(secret.expiresAt, now: now).rawValue,
                        String(daysLeft(until: secret.expiresAt, from: now)), Timestamp.local(secret.expiresAt),
                        printable(secret.client), printable(secret.identityProvider),
                        secret.keyId.map { String($0.prefix(8)) } ?? "(admin)", secret.hint.map { printable($0) + "…" } ?? "")
                }
                if due.isEmpty {
                    print("Nothing expires within \(within).")
                } else {
                    table.print()
                    print("\(due.count) credential\(due.count == 1 ? "" : "s") expire within \(within).")
                }
            }
            if !due.isEmpty { throw ExitCode(1) }
        }
    }
}
