/// A frame: what the terminal should show, cell by cell. Screens draw into it; the backend only copies it out.
/// Every write is clipped, so drawing past an edge (a tiny terminal, a long name) is harmless.
public struct CellBuffer: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size.width && y < size.height }

    /// Fills a rectangle with blanks of `role`.
    public mutating func fill(_ rect: Rect, role: StyleRole = .normal) {
        let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        let blank = Cell(" ", role: role)
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * size.width + x] = blank }
        }
    }

    /// Sets the role of existing cells (a selection bar) without touching their text.
    public mutating func restyle(_ rect: Rect, role: StyleRole) {
        let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * size.width + x].role = role }
        }
    }

    /// Writes `text` at (x, y), escaped and clipped to `maxWidth` columns (and the buffer's edge); a wide
    /// character that would straddle the limit is left out. Returns the columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.height else { return 0 }
        let limit = min(size.width, maxWidth.map { x + max(0, $0) } ?? size.width)
        var column = x
        let safe = SafeText.escaped(text)
        let row = y * size.width
        // Writing over the right half of a wide character leaves its left half alone: blank it.
        if x > 0, x < size.width, cells[row + x].isContinuation { cells[row + x - 1] = Cell(" ", role: cells[row + x - 1].role) }
        // ASCII fast path: one byte, one column, no grapheme breaking.
        if safe.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in safe.utf8 {
                if column >= limit { break }
                if column >= 0 { cells[row + column] = Cell(String(UnicodeScalar(byte)), role: role) }
                column += 1
            }
            blankOrphan(row: row, column: column)
            return max(0, column - x)
        }
        for character in safe {
            let width = DisplayWidth.of(character)
            if width == 0 {
                // A lone combining mark joins the previous cell rather than taking its own.
                if column > 0, column - 1 < limit, column - 1 >= 0 { cells[row + column - 1].text.append(character) }
                continue
            }
            if column + width > limit { break }
            if column >= 0 {
                cells[row + column] = Cell(String(character), role: role)
                if width == 2 { cells[row + column + 1] = Cell("", role: role) }
            }
            column += width
        }
        blankOrphan(row: row, column: column)
        return max(0, column - x)
    }

    /// A wide character overwritten on its left half leaves an orphan continuation: blank it.
    private mutating func blankOrphan(row: Int, column: Int) {
        if column < size.width, column > 0, cells[row + column].isContinuation {
            cells[row + column] = Cell(" ", role: cells[row + column].role)
        }
    }

    /// Writes `text` padded or cut (with `…`) to exactly `width` columns.
    public mutating func putPadded(_ text: String, x: Int, y: Int, width: Int, role: StyleRole = .normal,
                                   alignRight: Bool = false)
    {
        guard width > 0 else { return }
        let fitted = TextFit.fit(SafeText.escaped(text), width: width)
        let used = DisplayWidth.of(fitted)
        fill(Rect(x: x, y: y, width: width, height: 1), role: role)
        put(fitted, x: alignRight ? x + width - used : x, y: y, role: role, maxWidth: width)
    }

    /// A single-line box border around `rect`, with an optional title in the top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, role: StyleRole = .border) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        for x in rect.x + 1..<rect.maxX - 1 {
            put("─", x: x, y: rect.y, role: role)
            put("─", x: x, y: rect.maxY - 1, role: role)
        }
        for y in rect.y + 1..<rect.maxY - 1 {
            put("│", x: rect.x, y: y, role: role)
            put("│", x: rect.maxX - 1, y: y, role: role)
        }
        put("┌", x: rect.x, y: rect.y, role: role)
        put("┐", x: rect.maxX - 1, y: rect.y, role: role)
        put("└", x: rect.x, y: rect.maxY - 1, role: role)
        put("┘", x: rect.maxX - 1, y: rect.maxY - 1, role: role)
        if let title, rect.width > 4 {
            put(" " + TextFit.fit(title, width: rect.width - 6) + " ", x: rect.x + 2, y: rect.y, role: .title,
                maxWidth: rect.width - 4)
        }
    }

    /// The frame as lines of text, trailing blanks kept so widths are visible in reviews.
    public var textLines: [String] {
        (0..<size.height).map { y in
            var line = ""
            for x in 0..<size.width { line += self[x, y].text }
            return line
        }
    }

    /// One role code per column, a compact record of colour and emphasis for snapshot files.
    public var roleLines: [String] {
        (0..<size.height).map { y in
            String((0..<size.width).map { self[$0, y].role.code })
        }
    }
}
