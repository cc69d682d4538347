import Testing
@testable import ClienteleCore

@Suite struct DurationTextTests {
    @Test(arguments: [("90d", 7_776_000), ("12h", 43_200), ("2w", 1_209_600), ("30m", 1_800), ("45s", 45), ("0", 0),
                      (" 7D ", 604_800)])
    func parses(text: String, seconds: Int64) {
        #expect(DurationText(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["30x", "", "d", "-5d", "1.5d", "10", "9999999999999999999d"])
    func rejects(text: String) {
        #expect(DurationText(parsing: text) == nil)
    }

    @Test func printsInDays() {
        #expect(DurationText.days(14).description == "14d")
        #expect(DurationText(seconds: 3_600).description == "1h")
        #expect(DurationText(seconds: 90).description == "90s")
    }
}
