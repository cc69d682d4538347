/// The one seam between the console and a real terminal, in ratatui's shape: the backend only writes cells it is
/// given and reads keys; the loop's `TerminalScreen` decides which cells changed. The ncurses backend implements
/// it; `MemoryTerminal` is its in-memory twin for tests.
public protocol TerminalBackend: AnyObject {
    /// The current size in cells.
    var size: Size { get }
    /// Waits up to `timeoutMilliseconds` for input; nil when none came, or when `wakeup` ended the wait first (a
    /// result arrived for the loop to draw).
    func readKey(timeoutMilliseconds: Int, wakeup: InboxWakeup) -> KeyEvent?
    /// Writes these cells and shows the result. A continuation cell (the right half of a wide character) is
    /// already covered by the cell to its left.
    func write(_ cells: [CellWrite])
    /// Blanks the screen and forgets what was on it, so the writes that follow repaint everything (a new size, or
    /// something else wrote to the tty behind the console's back).
    func clear()
    /// Restores the terminal to how it was found.
    func close()
}

/// One cell for the backend to write, and where.
public struct CellWrite: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell

    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}
