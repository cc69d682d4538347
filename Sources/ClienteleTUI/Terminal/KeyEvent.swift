/// One input event, decoded from whatever the terminal sent.
public enum KeyEvent: Hashable, Sendable {
    case character(Character)
    /// Ctrl plus a letter, as the lowercase letter.
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    case resize
    /// Anything else the terminal sent (an unknown key code): ignored, never a crash.
    case unknown(Int)

    /// How help and footers name the key.
    public var label: String {
        switch self {
        case .character(" "): return "space"
        case .character(let c): return String(c)
        case .control(let c): return "ctrl-\(c)"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .escape: return "esc"
        case .backspace: return "bksp"
        case .delete: return "del"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        case .unknown(let code): return "key \(code)"
        }
    }
}
