import ClienteleCore
import Foundation

/// Every credential expiring within the notice threshold (90 days unless configured), grouped by urgency.
public struct ExpiringState: Sendable {
    public enum Row: Sendable {
        case group(String, count: Int, role: StyleRole)
        case item(ExpiringSecret)
    }

    public var loaded = false
    public private(set) var rows: [Row] = []
    public var cursor = ListCursor()
    /// Holders that are gateways keeping their own credentials: named as gateways, never as IdPs.
    public var gatewayHolders: Set<String> = []
    /// The rotation policy that will rotate each client's secrets, by client row id.
    public var policies: [Int64: PolicyForecast] = [:]

    public init() {}

    /// Groups secrets (already sorted soonest first) under expired and the operator's three thresholds (by default
    /// ≤7 / ≤30 / ≤90 days), the same classes the CLI's `secrets expiring` reports.
    public mutating func load(_ secrets: [ExpiringSecret], now: Date, thresholds: ExpiryThresholds, page: Int) {
        let groups: [(String, StyleRole, ExpiryClass)] = [
            ("Expired", .expired, .expired), ("Within \(Self.words(thresholds.critical))", .critical, .critical),
            ("Within \(Self.words(thresholds.warning))", .warning, .warning),
            ("Within \(Self.words(thresholds.notice))", .notice, .notice),
        ]
        let classes = secrets.map { thresholds.classify($0.expiresAt, now: now) }
        rows = []
        for (title, role, test) in groups {
            let members = zip(secrets, classes).filter { $0.1 == test }.map(\.0)
            guard !members.isEmpty else { continue }
            rows.append(.group(title, count: members.count, role: role))
            rows.append(contentsOf: members.map { .item($0) })
        }
        loaded = true
        if case .group = rows.first, cursor.selected == 0 { cursor.selected = 1 }
        cursor.clamp(count: rows.count, page: page)
    }

    /// `7 days` reads better in a heading than `7d`; other units keep their short form.
    static func words(_ duration: DurationText) -> String {
        duration.seconds % 86_400 == 0 ? "\(duration.seconds / 86_400) days" : duration.description
    }

    public var selected: ExpiringSecret? {
        guard cursor.selected < rows.count, case .item(let secret) = rows[cursor.selected] else { return nil }
        return secret
    }

    /// Moves, stepping over group headings in the direction of travel.
    mutating func move(_ command: KeyCommand, page: Int) {
        _ = cursor.move(command, count: rows.count, page: page)
        guard cursor.selected < rows.count, case .group = rows[cursor.selected] else { return }
        let step = (command == .up || command == .pageUp || command == .bottom) ? -1 : 1
        let target = cursor.selected + step
        if target >= 0 && target < rows.count {
            cursor.selected = target
        } else if cursor.selected - step >= 0 && cursor.selected - step < rows.count {
            cursor.selected -= step
        }
        cursor.clamp(count: rows.count, page: page)
    }
}
