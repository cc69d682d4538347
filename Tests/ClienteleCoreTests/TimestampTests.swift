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
}
