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

        func run() async throws {
            let registry = try global.openRegistry()
            let thresholds = try global.configuration().expiry
            let now = registry.clock.now
            let due = try registry.expiringSecrets(within: within)
            switch json ? .json : format {
            case .json:
                var writer = FlatJSONWriter(capacity: due.count * 320)
                for secret in due {
                    writer.beginObject()
                    writer.field("kind", secret.kind.rawValue)
                    writer.field("idp", secret.identityProvider)
                    writer.field("client", secret.client)
                    writer.field("clientId", secret.clientId)
                    writer.field("keyId", secret.keyId)
                    writer.field("hint", secret.hint)
                    writer.field("state", secret.state.rawValue)
                    writer.field("expiresAt", secret.expiresAt)
                    writer.field("daysLeft", daysLeft(until: secret.expiresAt, from: now))
                    writer.field("status", thresholds.classify(secret.expiresAt, now: now).rawValue)
                    // Omitted, not null, when there is nothing to say (an admin credential; no use recorded).
                    if let lastUsedAt = secret.lastUse?.lastUsedAt { writer.field("lastUsedAt", Timestamp.iso8601(lastUsedAt)) }
                    if let lastUse = secret.lastUse { writer.field("lastUse", lastUse.text(now: now)) }
                    writer.endObject()
                }
                writer.finish()
            case .prometheus:
                print(PrometheusText.expiry(due, now: now, thresholds: thresholds, window: within), terminator: "")
            case .table:
                var table = TextTable("STATUS", "DAYS", "EXPIRES", "CLIENT", "HELD BY", "KEY ID", "HINT", "LAST USED")
                for secret in due {
                    table.add(
                        thresholds.classify(secret.expiresAt, now: now).rawValue,
                        String(daysLeft(until: secret.expiresAt, from: now)), Timestamp.local(secret.expiresAt),
                        printable(secret.client),
                        printable(secret.kind == .gatewaySecret ? "gateway \(secret.identityProvider)" : secret.identityProvider),
                        secret.keyId.map { String($0.prefix(8)) } ?? "(admin)", secret.hint.map { printable($0) + "…" } ?? "",
                        secret.lastUse?.columnText(now: now) ?? "-")
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
