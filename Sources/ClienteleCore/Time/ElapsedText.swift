import Foundation

/// How long ago something happened, in the largest whole unit, for people: "just now", "12 min ago", "3 h ago",
/// "4 d ago". A date in the future (a clock ahead of ours) reads "just now" rather than a negative span.
public enum ElapsedText {
    public static func since(_ date: Date, now: Date) -> String {
        let seconds = Int64(now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "just now"
        case ..<3_600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3_600) h ago"
        default: return "\(seconds / 86_400) d ago"
        }
    }
}
