/// What a cell means, not how it looks: the theme decides colours per role, so a screen never names a colour and
/// monochrome or colour-blind themes change every screen at once. Each role has a one-letter code for the
/// attribute layer of snapshot files.
public enum StyleRole: UInt8, CaseIterable, Sendable {
    case normal, dim, title, header, border, selected, footer, footerKey, accent
    case expired, critical, warning, notice, ok
    case danger, success, input, inputFocused, button, buttonFocused, marker, mask, error

    /// The snapshot code: `.` for normal so plain screens stay readable.
    public var code: Character {
        switch self {
        case .normal: return "."
        case .dim: return "d"
        case .title: return "T"
        case .header: return "h"
        case .border: return "b"
        case .selected: return "S"
        case .footer: return "f"
        case .footerKey: return "k"
        case .accent: return "a"
        case .expired: return "X"
        case .critical: return "C"
        case .warning: return "W"
        case .notice: return "N"
        case .ok: return "o"
        case .danger: return "!"
        case .success: return "+"
        case .input: return "i"
        case .inputFocused: return "I"
        case .button: return "u"
        case .buttonFocused: return "U"
        case .marker: return "M"
        case .mask: return "*"
        case .error: return "E"
        }
    }

    /// The name theme files use.
    public var themeKey: String {
        switch self {
        case .footerKey: return "footer_key"
        case .inputFocused: return "input_focused"
        case .buttonFocused: return "button_focused"
        default: return String(describing: self)
        }
    }
}
