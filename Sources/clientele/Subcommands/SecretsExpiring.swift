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
            // Which policy will rotate each secret, and when; empty (one cheap query) where no policy is set.
            let forecasts = try RotationService(registry: registry, adapters: global.adapters(for: registry)).policyForecasts()
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
                    if let forecast = secret.clientRowId.flatMap({ forecasts[$0] }) {
                        writer.field("policy", forecast.policy.scope.description)
                        writer.field("policyDueAt", Timestamp.iso8601(forecast.dueAt))
                        // next-advance: the next `rotations advance` starts it; scheduled: from policyDueAt;
                        // open: the client's open rotation (openRotation) comes first; operator: its IdP keeps one
                        // secret, so the policy leaves it to a person.
                        writer.field("policyRotation", forecast.leftToOperator ? "operator"
                                     : forecast.openRotationId != nil ? "open"
                                     : forecast.isDue(at: now) ? "next-advance" : "scheduled")
                        if let open = forecast.openRotationId { writer.field("openRotation", Int(open)) }
                    }
                    writer.endObject()
                }
                writer.finish()
            case .prometheus:
                print(PrometheusText.expiry(due, now: now, thresholds: thresholds, window: within), terminator: "")
            case .table:
                var headers = ["STATUS", "DAYS", "EXPIRES", "CLIENT", "HELD BY", "KEY ID", "HINT", "LAST USED"]
                if !forecasts.isEmpty { headers.append("POLICY") }
                var table = TextTable(headers)
                for secret in due {
                    var cells = [
                        thresholds.classify(secret.expiresAt, now: now).rawValue,
                        String(daysLeft(until: secret.expiresAt, from: now)), Timestamp.local(secret.expiresAt),
                        printable(secret.client),
                        printable(secret.kind == .gatewaySecret ? "gateway \(secret.identityProvider)" : secret.identityProvider),
                        secret.keyId.map { String($0.prefix(8)) } ?? "(admin)", secret.hint.map { printable($0) + "…" } ?? "",
                        secret.lastUse?.columnText(now: now) ?? "-",
                    ]
                    if !forecasts.isEmpty {
                        cells.append(secret.clientRowId.flatMap { forecasts[$0] }.map { printable(Self.policyText($0, now: now)) } ?? "")
                    }
                    table.add(cells)
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

        /// "policy env prod: next advance", "policy idp entra: 2026-12-01 00:00", "policy env prod: rotation #4 open",
        /// "policy env prod: left to an operator (one-secret IdP)".
        static func policyText(_ forecast: PolicyForecast, now: Date) -> String {
            let when = forecast.leftToOperator ? "left to an operator (one-secret IdP)"
                : forecast.openRotationId.map { "rotation #\($0) open" }
                ?? (forecast.isDue(at: now) ? "next advance" : Timestamp.local(forecast.dueAt))
            return "policy \(forecast.policy.scope): \(when)"
        }
    }
}
