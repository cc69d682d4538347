import Foundation

extension SecretLastUse {
    /// For a LAST USED column, where the heading says "last used": "3 h ago", "no sign-in recorded", "unknown".
    public func columnText(now: Date) -> String {
        switch self {
        case .usedAt(let date): return ElapsedText.since(date, now: now)
        case .noUseRecorded: return "no sign-in recorded"
        case .unknown: return "unknown"
        }
    }

    public var lastUsedAt: Date? {
        if case .usedAt(let date) = self { return date }
        return nil
    }

    /// Why nobody can tell, when nobody can.
    public var unknownReason: String? {
        if case .unknown(let reason) = self { return reason }
        return nil
    }
}
