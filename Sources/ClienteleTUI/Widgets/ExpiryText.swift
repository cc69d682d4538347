import ClienteleCore
import Foundation

/// How expiry reads everywhere in the console: days left, coloured by threshold.
enum ExpiryText {
    static func role(_ expiresAt: Date?, now: Date, thresholds: ExpiryThresholds) -> StyleRole {
        switch thresholds.classify(expiresAt, now: now) {
        case .expired: return .expired
        case .critical: return .critical
        case .warning: return .warning
        case .notice: return .notice
        case .ok: return expiresAt == nil ? .dim : .ok
        }
    }

    /// `12d`, `expired 3d ago`, `today`, `never`.
    static func daysLeft(_ expiresAt: Date?, now: Date) -> String {
        guard let expiresAt else { return "never" }
        if expiresAt <= now {
            let ago = Int(now.timeIntervalSince(expiresAt) / 86_400)
            return ago == 0 ? "expired" : "-\(ago)d"
        }
        let days = ClienteleCore.daysLeft(until: expiresAt, from: now)
        return days == 0 ? "<1d" : "\(days)d"
    }

    /// A ten-cell bar of the days left out of 90, so urgency reads at a glance.
    static func bar(_ expiresAt: Date?, now: Date, cells: Int = 10) -> String {
        guard let expiresAt else { return String(repeating: "─", count: cells) }
        let days = max(0, expiresAt.timeIntervalSince(now) / 86_400)
        let filled = Int((min(days, 90) / 90 * Double(cells)).rounded(.up))
        return String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled)
    }

    /// `2026-11-23` in UTC: the console shows dates, and UTC keeps snapshots the same on every machine.
    static func day(_ date: Date?) -> String {
        guard let date else { return "—" }
        return String(Timestamp.iso8601(date).prefix(10))
    }

    static func minute(_ date: Date?) -> String {
        guard let date else { return "—" }
        let text = Timestamp.iso8601(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }

    /// `6d 23h`, `4h 10m`, `35s`: a countdown.
    static func remaining(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds))
        let days = total / 86_400, hours = total % 86_400 / 3600, minutes = total % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(total % 60)s" }
        return "\(total)s"
    }
}
