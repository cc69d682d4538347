import ClienteleCore
import Foundation

/// Every credential expiring within 90 days, grouped by urgency.
public struct ExpiringState: Sendable {
    public enum Row: Sendable {
        case group(String, count: Int, role: StyleRole)
        case item(ExpiringSecret)
    }

    public var loaded = false
    public private(set) var rows: [Row] = []
    public var cursor = ListCursor()

    public init() {}

    public static let window = DurationText.days(90)

    /// Groups secrets (already sorted soonest first) under expired / ≤7 / ≤30 / ≤90 days headings.
    public mutating func load(_ secrets: [ExpiringSecret], now: Date, page: Int) {
        let groups: [(String, StyleRole, (Int) -> Bool)] = [
            ("Expired", .expired, { $0 < 0 }), ("Within 7 days", .critical, { $0 >= 0 && $0 < 7 }),
            ("Within 30 days", .warning, { $0 >= 7 && $0 < 30 }), ("Within 90 days", .notice, { $0 >= 30 }),
        ]
        rows = []
        for (title, role, test) in groups {
            let members = secrets.filter { secret in
                secret.expiresAt <= now ? test(-1) : test(daysLeft(until: secret.expiresAt, from: now))
            }
            guard !members.isEmpty else { continue }
            rows.append(.group(title, count: members.count, role: role))
            rows.append(contentsOf: members.map { .item($0) })
        }
        loaded = true
        if case .group = rows.first, cursor.selected == 0 { cursor.selected = 1 }
        cursor.clamp(count: rows.count, page: page)
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
