import Foundation
import GRDB

extension Row {
    /// The date in column `index` as GRDB stores one (`2026-11-23 18:31:02.000`, UTC), read from SQLite's bytes
    /// without GRDB's DateComponents and Calendar round trip, which was a twentieth of a 60k-row expiry report.
    /// Any other form (no fraction, a julian day, a timestamp number) goes through GRDB as before.
    func storedDate(atIndex index: Int) throws -> Date? {
        let parsed = try withUnsafeData(atIndex: index) { data -> Date?? in
            guard let data else { return .some(nil) }
            return data.withUnsafeBytes { StoredDate.parse($0) }.map { .some($0) }
        }
        if let parsed { return parsed }
        return self[index]
    }
}

/// GRDB's stored date text, `yyyy-MM-dd HH:mm:ss.SSS` in UTC, as bytes.
enum StoredDate {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: ".")
        else { return nil }
        var valid = true
        func number(_ start: Int, _ digits: Int) -> Int {
            var value = 0
            for offset in start..<(start + digits) {
                let digit = Int(bytes[offset]) - 48
                if digit < 0 || digit > 9 { valid = false }
                value = value * 10 + digit
            }
            return value
        }
        let year = number(0, 4), month = number(5, 2), day = number(8, 2)
        let hour = number(11, 2), minute = number(14, 2), second = number(17, 2), millisecond = number(20, 3)
        guard valid, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else {
            return nil
        }
        let seconds = GraphDate.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600
            + minute * 60 + second
        // Counted from the reference date, as Date stores it, so the one rounding is the fraction's.
        return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(millisecond) / 1000)
    }
}
