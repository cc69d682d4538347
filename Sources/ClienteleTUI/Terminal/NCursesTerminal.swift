import CNCurses
import Foundation

/// The real terminal, through ncursesw. The only file that imports CNCurses. It writes the cells the loop hands it
/// (already only what changed); it never decides what to draw.
///
/// Not thread-safe: ncurses has global state, so the console creates, reads and draws from one thread only.
public final class NCursesTerminal: TerminalBackend {
    private var attributes: [attr_t] = []
    private var pairs: [Int16] = []
    private var isOpen = false

    /// Starts curses mode. Fails (returns nil) when standard output is not a terminal ncurses can drive.
    public init?(theme: Theme) {
        // Wide characters need the user's locale before initscr, or ncurses draws UTF-8 as bytes.
        _ = clientele_use_locale()
        // Size from the tty, not from LINES/COLUMNS: a stale exported value (some shells and test runners set
        // them) would otherwise pin the screen to that size and make every resize go unnoticed.
        use_tioctl(true)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1, initscr() != nil else { return nil }
        isOpen = true
        raw()  // Ctrl-C and Ctrl-Z arrive as keys, so quitting restores the terminal instead of leaving it raw.
        noecho()
        nonl()
        keypad(clientele_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        // A timeout rather than a blocking read: with an async root, SIGWINCH is handled on another thread and a
        // blocking get_wch would not see KEY_RESIZE until the next key (see shared/contracts/toolchain.md).
        wtimeout(clientele_stdscr(), 100)
        configure(theme)
    }

    private func configure(_ theme: Theme) {
        let useColor = has_colors() && !theme.monochrome
        if useColor {
            start_color()
            use_default_colors()
        }
        let colors = Int(clientele_colors())
        let maxPairs = Int(clientele_color_pairs())
        attributes = []
        pairs = []
        for role in StyleRole.allCases {
            let style = useColor ? theme.style(role) : theme.style(role).withoutColor
            var attribute = clientele_a_normal()
            if style.bold { attribute |= clientele_a_bold() }
            if style.dim { attribute |= clientele_a_dim() }
            if style.underline { attribute |= clientele_a_underline() }
            if style.reverse { attribute |= clientele_a_reverse() }
            if style.italic { attribute |= clientele_a_italic() }
            if !useColor && role == .selected && !style.reverse { attribute |= clientele_a_reverse() }
            attributes.append(attribute)
            var pair: Int16 = 0
            let number = Int(role.rawValue) + 1
            if useColor, number < maxPairs {
                init_pair(Int16(number), Self.colorNumber(style.foreground, colors: colors),
                          Self.colorNumber(style.background, colors: colors))
                pair = Int16(number)
            }
            pairs.append(pair)
        }
    }

    static func colorNumber(_ color: ThemeColor, colors: Int) -> Int16 {
        switch color.downgraded(toColors: max(8, colors)) {
        case .terminalDefault: return -1
        case .indexed(let index): return Int16(index)
        }
    }

    public var size: Size {
        var rows: Int32 = 0
        var cols: Int32 = 0
        clientele_getmaxyx(clientele_stdscr(), &rows, &cols)
        return Size(width: Int(cols), height: Int(rows))
    }

    public func readKey(timeoutMilliseconds: Int, wakeup: InboxWakeup) -> KeyEvent? {
        // Wait on the tty and the inbox at once. Bytes ncurses already read into its own buffer (the rest of a
        // paste) do not show on the tty, so ncurses is asked in any case, without waiting unless the tty has
        // bytes (an Esc then still gets its escape delay).
        let typed = timeoutMilliseconds > 0 && wakeup.wait(milliseconds: timeoutMilliseconds, orInput: STDIN_FILENO)
        return readKey(timeoutMilliseconds: typed ? timeoutMilliseconds : 0)
    }

    private func readKey(timeoutMilliseconds: Int) -> KeyEvent? {
        wtimeout(clientele_stdscr(), Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = wget_wch(clientele_stdscr(), &character)
        if result == ERR { return nil }
        if result == clientele_key_code_yes() { return Self.decodeKeyCode(Int32(character)) }
        return Self.decodeCharacter(UInt32(character))
    }

    static func decodeCharacter(_ value: UInt32) -> KeyEvent {
        switch value {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(value) + 96)))
        case 0..<32: return .unknown(Int(value))
        default:
            guard let scalar = UnicodeScalar(value) else { return .unknown(Int(value)) }
            return .character(Character(scalar))
        }
    }

    static func decodeKeyCode(_ code: Int32) -> KeyEvent {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_F0 + 1...KEY_F0 + 63: return .function(Int(code - KEY_F0))
        default: return .unknown(Int(code))
        }
    }

    public func write(_ cells: [CellWrite]) {
        for write in cells where !write.cell.isContinuation {
            let role = Int(write.cell.role.rawValue)
            var scalars = Array(write.cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) })
            scalars.append(0)
            scalars.withUnsafeBufferPointer { buffer in
                _ = clientele_put_cell(Int32(write.y), Int32(write.x), buffer.baseAddress, attributes[role], pairs[role])
            }
        }
        wnoutrefresh(clientele_stdscr())
        doupdate()
    }

    public func clear() {
        werase(clientele_stdscr())
        // The next refresh repaints the whole tty, mending whatever else wrote to it.
        clearok(clientele_stdscr(), true)
    }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        curs_set(1)
        endwin()
    }

    deinit { close() }
}
