/// A one-line text input: typing, cursor movement, deletion. Pure value, edited by keys.
public struct TextField: Equatable, Sendable {
    public var text: String
    /// Cursor position in characters.
    public var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// Applies an editing key; returns false for keys it does not handle (Enter, Esc, Tab…).
    @discardableResult
    public mutating func handle(_ key: KeyEvent) -> Bool {
        cursor = min(max(cursor, 0), text.count)
        switch key {
        case .character(let character):
            // Control characters never enter a field, so nothing invisible reaches a path or a policy value.
            guard !character.unicodeScalars.contains(where: { SafeText.isControl($0) }) else { return true }
            let index = text.index(text.startIndex, offsetBy: cursor)
            // A combining mark joins the character before it, so the text may not grow by one character: count
            // what now stands before the cursor instead of adding one.
            let head = String(text[..<index]) + String(character)
            text.insert(character, at: index)
            cursor = min(head.count, text.count)
        case .backspace:
            guard cursor > 0 else { return true }
            let index = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: index)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = text.count
        case .control("u"):
            text = ""
            cursor = 0
        case .control("w"):
            let head = String(text.prefix(cursor)).trimmingTrailingSpaces
            let kept = head.lastIndex(of: " ").map { String(head[...$0]) } ?? ""
            text = kept + text.dropFirst(cursor)
            cursor = kept.count
        default:
            return false
        }
        return true
    }

    /// Draws the field in `width` columns, scrolled so the cursor shows; the cursor cell is underlined by role.
    public func draw(into buffer: inout CellBuffer, x: Int, y: Int, width: Int, focused: Bool, masked: Bool = false) {
        guard width > 0 else { return }
        let role: StyleRole = focused ? .inputFocused : .input
        buffer.fill(Rect(x: x, y: y, width: width, height: 1), role: role)
        let shown = masked ? String(repeating: "•", count: text.count) : text
        let characters = Array(shown)
        let start = max(0, cursor - (width - 1))
        let visible = String(characters[min(start, characters.count)...].prefix(width))
        buffer.put(visible, x: x, y: y, role: role, maxWidth: width)
        if focused {
            let cursorColumn = x + DisplayWidth.of(String(characters[min(start, characters.count)..<min(cursor, characters.count)]))
            if cursorColumn < x + width {
                let existing = buffer.contains(x: cursorColumn, y: y) ? buffer[cursorColumn, y].text : " "
                buffer.put(existing.isEmpty || existing == " " ? "▏" : existing, x: cursorColumn, y: y,
                           role: .selected, maxWidth: 1)
            }
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
