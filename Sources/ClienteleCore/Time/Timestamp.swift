import Foundation

/// Formatting and parsing of instants at Clientele's edges: ISO 8601 in UTC for machines (JSON, audit hashes),
/// local time for people.
public enum Timestamp {
    /// `2026-11-23T18:31:02Z` (whole seconds; machines get UTC).
    public static func iso8601(_ date: Date) -> String {
        // Hand-rolled: ISO8601DateFormatter and String(format:) dominate a 300k-row JSON export.
        format(date, dateTimeSeparator: "T", milliseconds: false, suffix: "Z")
    }

    /// `2026-11-23 18:31:02.000`, exactly how GRDB stores a Date, for bulk inserts: GRDB's own conversion goes
    /// through an ICU DateFormatter, a fifth of the time of building a 100k-client demo.
    static func databaseText(_ date: Date) -> String {
        format(date, dateTimeSeparator: " ", milliseconds: true, suffix: nil)
    }

    /// Appends `2026-11-23T18:31:02Z` to `bytes`, for writers that build their output as bytes (a 60k-row JSON
    /// report would otherwise make a String per date).
    public static func appendISO8601(_ date: Date, to bytes: inout [UInt8]) {
        append(date, dateTimeSeparator: UInt8(ascii: "T"), milliseconds: false, suffix: UInt8(ascii: "Z"), to: &bytes)
    }

    private static func format(_ date: Date, dateTimeSeparator: Character, milliseconds: Bool, suffix: Character?)
        -> String
    {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(date, dateTimeSeparator: UInt8(ascii: dateTimeSeparator.unicodeScalars.first!), milliseconds: milliseconds,
               suffix: suffix.map { UInt8(ascii: $0.unicodeScalars.first!) }, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func append(
        _ date: Date, dateTimeSeparator: UInt8, milliseconds: Bool, suffix: UInt8?, to bytes: inout [UInt8]
    ) {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = totalMilliseconds >= 0 ? totalMilliseconds / 1000 : (totalMilliseconds - 999) / 1000
        let millisecond = Int(totalMilliseconds - seconds * 1000)
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        seconds -= secondOfDay
        let (year, month, day) = civilDate(daysSinceEpoch: seconds / 86_400)
        func put(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var remaining = value
            while divisor > 0 {
                bytes.append(UInt8(48 + remaining / divisor % 10))
                remaining %= divisor * 10
                divisor /= 10
            }
        }
        put(year, digits: 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, digits: 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, digits: 2)
        bytes.append(dateTimeSeparator)
        put(Int(secondOfDay / 3600), digits: 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(secondOfDay % 3600 / 60), digits: 2)
        bytes.append(UInt8(ascii: ":"))
        put(Int(secondOfDay % 60), digits: 2)
        if milliseconds {
            bytes.append(UInt8(ascii: "."))
            put(millisecond, digits: 3)
        }
        if let suffix { bytes.append(suffix) }
    }

    /// `2026-11-23 19:31` in the process's time zone, for people.
    public static func local(_ date: Date, timeZone: TimeZone = .current) -> String {
        // The zone's offset at that instant, then the hand-rolled formatter: a DateFormatter per call built a new
        // ICU formatter each time and took 1.4 s of a 45,000-row `secrets expiring` table.
        let shifted = date.addingTimeInterval(TimeInterval(timeZone.secondsFromGMT(for: date)))
        return String(format(shifted, dateTimeSeparator: " ", milliseconds: false, suffix: nil).prefix(16))
    }

    /// `2026-11-23` in the process's time zone.
    public static func localDay(_ date: Date, timeZone: TimeZone = .current) -> String {
        String(local(date, timeZone: timeZone).prefix(10))
    }

    /// Accepts `2026-11-23`, `2026-11-23T18:31:02Z`, with fractional seconds or an offset.
    public static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }

    /// Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar.
    private static func civilDate(daysSinceEpoch: Int64) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
