/// A table drawn into a rectangle: a heading row, then only the rows in view. Columns have fixed widths except one
/// flexible column that takes what is left, so the table fits any width without measuring every row.
public struct Table {
    public struct Column {
        public var title: String
        public var width: Int
        public var flexible: Bool
        public var alignRight: Bool

        public init(_ title: String, width: Int, flexible: Bool = false, alignRight: Bool = false) {
            self.title = title
            self.width = width
            self.flexible = flexible
            self.alignRight = alignRight
        }
    }

    public var columns: [Column]

    public init(_ columns: [Column]) { self.columns = columns }

    /// Column widths for `total` columns of space, one space between columns.
    public func widths(total: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.filter { !$0.flexible }.reduce(0) { $0 + $1.width }
        let flexibleCount = max(1, columns.filter(\.flexible).count)
        let spare = max(0, total - gaps - fixed)
        return columns.map { $0.flexible ? max($0.width, spare / flexibleCount) : $0.width }
    }

    /// Draws the heading and `count` rows starting at `cursor.offset`; `cell(row, column)` gives each cell's text and
    /// role. The selected row is drawn in the selection style.
    public func draw(into buffer: inout CellBuffer, in rect: Rect, count: Int, cursor: ListCursor, focused: Bool = true,
                     cell: (Int, Int) -> (String, StyleRole))
    {
        guard rect.height > 0, rect.width > 0 else { return }
        let widths = widths(total: rect.width)
        var x = rect.x
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
        for (index, column) in columns.enumerated() where x < rect.maxX {
            buffer.putPadded(column.title, x: x, y: rect.y, width: min(widths[index], rect.maxX - x), role: .header,
                             alignRight: column.alignRight)
            x += widths[index] + 1
        }
        let visibleRows = rect.height - 1
        guard visibleRows > 0 else { return }
        for line in 0..<visibleRows {
            let row = cursor.offset + line
            guard row < count else { break }
            let y = rect.y + 1 + line
            let isSelected = focused && row == cursor.selected
            x = rect.x
            for (index, column) in columns.enumerated() where x < rect.maxX {
                let (text, role) = cell(row, index)
                buffer.putPadded(text, x: x, y: y, width: min(widths[index], rect.maxX - x),
                                 role: isSelected ? .selected : role, alignRight: column.alignRight)
                x += widths[index] + 1
            }
            if isSelected { buffer.restyle(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selected) }
        }
    }
}
