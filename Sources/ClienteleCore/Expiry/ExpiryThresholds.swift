import Foundation

/// Where "soon" begins. Defaults follow common practice: note at 90 days, warn at 30, act at 7.
public struct ExpiryThresholds: Sendable, Hashable, Codable {
    public var notice: DurationText
    public var warning: DurationText
    public var critical: DurationText

    public init(notice: DurationText = .days(90), warning: DurationText = .days(30), critical: DurationText = .days(7)) {
        self.notice = notice
        self.warning = warning
        self.critical = critical
    }

    public static let standard = ExpiryThresholds()

    /// Thresholds must nest (critical ≤ warning ≤ notice), or a secret could be "critical" but not "warning".
    public func validated(source: String) throws -> ExpiryThresholds {
        guard critical.seconds <= warning.seconds, warning.seconds <= notice.seconds else {
            throw ClienteleError.invalidInput(
                "\(source): expiry thresholds must satisfy critical (\(critical)) ≤ warning (\(warning)) ≤ notice (\(notice))")
        }
        return self
    }

    public func classify(_ expiresAt: Date?, now: Date) -> ExpiryClass {
        guard let expiresAt else { return .ok }
        let remaining = expiresAt.timeIntervalSince(now)
        if remaining <= 0 { return .expired }
        if remaining <= critical.timeInterval { return .critical }
        if remaining <= warning.timeInterval { return .warning }
        if remaining <= notice.timeInterval { return .notice }
        return .ok
    }
}

public enum ExpiryClass: String, Sendable, Codable, CaseIterable, Comparable {
    case expired, critical, warning, notice, ok

    public static func < (lhs: ExpiryClass, rhs: ExpiryClass) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Whole days left, rounded down; negative once expired. `-0` days reads as expired today.
public func daysLeft(until date: Date, from now: Date) -> Int {
    Int((date.timeIntervalSince(now) / 86_400).rounded(.down))
}
