import Foundation
import GRDB
import Testing
@testable import ClienteleCore

@Suite struct TimestampTests {
    @Test(arguments: [0.0, 1_795_000_000.123, 1_795_000_000.999, 951_782_400.5, -86_400.25, 4_102_444_799.0])
    func databaseTextIsWhatGRDBStores(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let stored = try DatabaseQueue().read { db in try String.fetchOne(db, sql: "SELECT ?", arguments: [date]) }
        #expect(Timestamp.databaseText(date) == stored)
    }

    @Test func iso8601() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_795_000_000.9)) == "2026-11-18T11:06:40Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.parse("2026-11-18T11:06:40Z") == Date(timeIntervalSince1970: 1_795_000_000))
    }

    /// Local time as DateFormatter writes it, across zones with and without daylight saving, on both sides of a
    /// change and at fractional seconds.
    @Test(arguments: ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"])
    func localMatchesDateFormatter(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        // 2026-03-29 00:59:59.5 UTC (Paris springs forward at 01:00 UTC), 2026-11-01 05:59 and 06:00 UTC (New York
        // falls back), a leap day, and many instants an hour and a bit apart across the year.
        var instants = [1_774_745_999.5, 1_774_746_000, 1_793_512_740, 1_793_512_800, 951_782_400.75]
        instants += (0..<400).map { 1_767_225_600 + Double($0) * 79_321.25 }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.local(date, timeZone: timeZone) == formatter.string(from: date), "\(zone) \(seconds)")
        }
    }
}

/// The registry's own reading of stored dates gives the very Date GRDB's decoding gives, for the text GRDB writes
/// and for the forms it only reads.
@Suite struct StoredDateTests {
    @Test func sameDateAsGRDBForWhatGRDBStores() throws {
        var instants = [0.0, 0.001, 0.999, 951_782_400, 1_795_000_000.123, -86_400.25, 4_102_444_799.999]
        instants += (0..<5_000).map { 1_700_000_000 + Double($0) * 7_919.317 }
        let dates = instants.map { Date(timeIntervalSince1970: $0) }
        try DatabaseQueue().read { db in
            for date in dates {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT ?", arguments: [date]))
                let grdb: Date = row[0]
                #expect(try row.storedDate(atIndex: 0) == grdb, "\(date.timeIntervalSince1970)")
            }
        }
    }

    @Test(arguments: ["2026-11-23 18:31:02", "2026-11-23T18:31:02.500", "2026-11-23"])
    func otherFormsGoThroughGRDB(text: String) throws {
        try DatabaseQueue().read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT ?", arguments: [text]))
            let grdb: Date? = row[0]
            #expect(grdb != nil)
            #expect(try row.storedDate(atIndex: 0) == grdb)
        }
    }

    @Test func nullIsNil() throws {
        try DatabaseQueue().read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT NULL"))
            #expect(try row.storedDate(atIndex: 0) == nil)
        }
    }

    @Test(arguments: ["2026-13-01 00:00:00.000", "2026-11-23 24:00:00.000", "2026-11-2x 00:00:00.000"])
    func outOfRangeTextIsNotReadAsADate(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { StoredDate.parse($0) } == nil)
    }
}
