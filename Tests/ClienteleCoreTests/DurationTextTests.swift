import Testing
@testable import ClienteleCore

@Suite struct DurationTextTests {
    @Test(arguments: [("90d", 7_776_000), ("12h", 43_200), ("2w", 1_209_600), ("30m", 1_800), ("45s", 45), ("0", 0),
                      (" 7D ", 604_800), ("36500d", 3_153_600_000), ("5214w", 3_153_427_200)])
    func parses(text: String, seconds: Int64) {
        #expect(DurationText(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["30x", "", "d", "-5d", "1.5d", "10", "9999999999999999999d"])
    func rejects(text: String) {
        #expect(DurationText(parsing: text) == nil)
    }

    /// Past a century a span is an error, not a date past what SQLite and ISO 8601 hold: `99999999999d` fit an
    /// Int64 of seconds, but `now` plus it did not fit a date, and `secrets expiring` answered "Nothing expires".
    @Test(arguments: ["36501d", "5215w", "876001h", "99999999999d", "3153600001s"])
    func rejectsSpansLongerThanACentury(text: String) {
        #expect(DurationText(parsing: text) == nil)
    }

    @Test func printsInDays() {
        #expect(DurationText.days(14).description == "14d")
        #expect(DurationText(seconds: 3_600).description == "1h")
        #expect(DurationText(seconds: 90).description == "90s")
    }
}
