import Testing
@testable import ClienteleTUI

struct CellBufferTests {
    @Test func clipsAtEveryEdge() {
        var buffer = CellBuffer(size: Size(width: 5, height: 2))
        #expect(buffer.put("hello world", x: 2, y: 0) == 3)
        buffer.put("x", x: -3, y: 1)
        buffer.put("y", x: 0, y: 5)
        buffer.put("zz", x: 4, y: 1)
        #expect(buffer.textLines == ["  hel", "    z"])
    }

    @Test func wideCharactersTakeTwoCellsAndNeverStraddleTheEdge() {
        var buffer = CellBuffer(size: Size(width: 5, height: 1))
        #expect(buffer.put("支付x", x: 0, y: 0) == 5)
        #expect(buffer[0, 0].text == "支" && buffer[1, 0].isContinuation)
        #expect(buffer.textLines == ["支付x"])
        var narrow = CellBuffer(size: Size(width: 3, height: 1))
        #expect(narrow.put("支付", x: 0, y: 0) == 2)
        #expect(narrow.textLines == ["支 "])
    }

    @Test func controlBytesAreShownEscaped() {
        var buffer = CellBuffer(size: Size(width: 20, height: 1))
        buffer.put("a\u{1b}[31mb\u{7}", x: 0, y: 0)
        #expect(buffer.textLines[0].hasPrefix("a\\x1b[31mb\\x07"))
        #expect(SafeText.escaped("evil\u{202e}txt") == "evil\\u{202e}txt")
        #expect(SafeText.escaped("plain") == "plain")
    }

    @Test func overwritingHalfAWideCharacterLeavesNoOrphan() {
        var buffer = CellBuffer(size: Size(width: 4, height: 1))
        buffer.put("支付", x: 0, y: 0)
        buffer.put("a", x: 0, y: 0)
        #expect(!buffer[1, 0].isContinuation)
        #expect(buffer.textLines == ["a 付"])
    }

    @Test func paddedTextIsCutWithAnEllipsis() {
        var buffer = CellBuffer(size: Size(width: 8, height: 1))
        buffer.putPadded("scheduling-service", x: 0, y: 0, width: 8)
        #expect(buffer.textLines == ["schedul…"])
        #expect(TextFit.pad("42", width: 5, alignRight: true) == "   42")
    }

    @Test func displayWidthCountsEmojiAndCombiningMarks() {
        #expect(DisplayWidth.of("🚚-bot") == 6)
        #expect(DisplayWidth.of("café") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }

    @Test func rolesAreRecordedPerCell() {
        var buffer = CellBuffer(size: Size(width: 4, height: 1))
        buffer.put("ab", x: 1, y: 0, role: .critical)
        #expect(buffer.roleLines == [".CC."])
    }

    @Test(arguments: [0, 1, 3]) func zeroAndTinySizesDoNotCrash(width: Int) {
        var buffer = CellBuffer(size: Size(width: width, height: width))
        buffer.box(Rect(x: 0, y: 0, width: 10, height: 10), title: "title")
        buffer.fill(Rect(x: -5, y: -5, width: 100, height: 100))
        buffer.putPadded("text", x: 0, y: 0, width: 100)
        #expect(buffer.cells.count == width * width)
    }
}
