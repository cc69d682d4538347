import Testing
@testable import ClienteleCore
@testable import ClienteleTUI

@Suite struct TextFieldTests {
    /// A combining mark typed after a letter joins it: the text stays one character longer, not two, and the
    /// cursor must follow, or the next backspace reaches past the end (the storm test's crash, seed 172455395).
    @Test func aCombiningMarkJoinsTheCharacterBeforeItWithoutLosingTheCursor() {
        var field = TextField()
        field.handle(.character("e"))
        field.handle(.character("\u{301}"))
        #expect(field.text == "e\u{301}" && field.text.count == 1 && field.cursor == 1)
        field.handle(.backspace)
        field.handle(.backspace)
        field.handle(.delete)
        #expect(field.text.isEmpty && field.cursor == 0)
    }

    @Test func everyEditingKeyStaysInBoundsWhateverIsTyped() {
        let keys: [KeyEvent] = [
            .character("a"), .character("\u{301}"), .character("\u{200D}"), .character("👩"), .character("\u{FE0F}"),
            .character("🇫"), .character("🇷"), .backspace, .delete, .left, .right, .home, .end, .control("w"),
            .control("u"), .character(" "),
        ]
        var generator = SeededRandom(seed: 172_455_395)
        for _ in 0..<2_000 {
            var field = TextField()
            for _ in 0..<30 {
                field.handle(keys.randomElement(using: &generator)!)
                #expect(field.cursor >= 0 && field.cursor <= field.text.count)
            }
        }
    }
}
