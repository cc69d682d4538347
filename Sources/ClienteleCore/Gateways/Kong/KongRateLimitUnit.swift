import Foundation

/// The windows Kong's rate-limiting plugin counts in: one `config.<unit>` field each. Clientele's windows stop at a
/// day, so month and year are only ever fields Clientele owns and keeps empty.
enum KongRateLimitUnit: String, CaseIterable {
    case second, minute, hour, day, month, year

    var seconds: Int64 {
        switch self {
        case .second: return 1
        case .minute: return 60
        case .hour: return 3_600
        case .day: return 86_400
        case .month: return 2_592_000
        case .year: return 31_536_000
        }
    }

    var field: String { "config.\(rawValue)" }

    /// The unit a window of exactly this length is, or nil: Kong has no "per 90 seconds".
    static func exactly(_ seconds: Int64) -> KongRateLimitUnit? {
        [.second, .minute, .hour, .day].first { $0.seconds == seconds }
    }

    /// What Clientele can ask for, for error lines.
    static let expressible = "1s, 1m, 1h or 1d"
}
