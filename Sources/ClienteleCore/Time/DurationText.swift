import Foundation

/// A span of time as operators write it: `90d`, `12h`, `2w`, `30m`, `45s`.
public struct DurationText: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func days(_ days: Int64) -> DurationText { DurationText(seconds: days * 86_400) }

    private static let units: [(Character, Int64)] = [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]

    /// The longest span Clientele accepts: a century. Past it a span means nothing an operator could want, and far
    /// past it `now + span` leaves the dates SQLite and the four-digit years of ISO 8601 can hold, which made
    /// `secrets expiring --within 99999999999d` answer "Nothing expires" instead of listing everything.
    public static let longest = DurationText.days(36_500)

    /// Parses one number followed by one unit, up to `longest`. Returns nil for anything else, so callers can name
    /// the flag or key the bad text came from.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "0" {
            seconds = 0
            return
        }
        guard let unitCharacter = trimmed.last,
            let unit = Self.units.first(where: { $0.0 == unitCharacter })?.1,
            let amount = Int64(trimmed.dropLast()), amount >= 0,
            amount <= Self.longest.seconds / unit
        else { return nil }
        seconds = amount * unit
    }

    public static let formatHint = "a number followed by s, m, h, d or w (for example 30d), at most \(longest)"

    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    /// The largest whole unit up to days that divides the span: `90d`, `12h`, `45s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        // Days read better than weeks for grace periods and lifetimes (`14d`, not `2w`), so weeks only parse.
        for (unit, size) in Self.units.dropFirst() where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = DurationText(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not \(Self.formatHint)"))
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
