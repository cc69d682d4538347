import ClienteleCore
import Foundation

/// The Prometheus text exposition format, for node_exporter's textfile collector.
enum PrometheusText {
    static func expiry(_ due: [ExpiringSecret], now: Date, thresholds: ExpiryThresholds, window: DurationText) -> String {
        var text = """
            # HELP clientele_secret_expiry_seconds Seconds until the credential expires (negative once expired).
            # TYPE clientele_secret_expiry_seconds gauge

            """
        for secret in due {
            let labels = [
                ("kind", secret.kind.rawValue), ("idp", secret.identityProvider), ("client", secret.client),
                ("client_id", secret.clientId ?? ""), ("key_id", secret.keyId ?? ""),
            ]
            text += "clientele_secret_expiry_seconds{\(labels.map { "\($0)=\"\(escape($1))\"" }.joined(separator: ","))} "
                + "\(Int64(secret.expiresAt.timeIntervalSince(now)))\n"
        }
        text += """
            # HELP clientele_secrets_due Credentials expiring within the window, by status.
            # TYPE clientele_secrets_due gauge

            """
        var counts: [ExpiryClass: Int] = [:]
        for secret in due { counts[thresholds.classify(secret.expiresAt, now: now), default: 0] += 1 }
        for status in ExpiryClass.allCases where status != .ok {
            text += "clientele_secrets_due{status=\"\(status.rawValue)\",window=\"\(window)\"} \(counts[status] ?? 0)\n"
        }
        return text
    }

    /// Label values escape backslash, double quote and newline, per the exposition format.
    static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
