/// The one seam between the console and a real terminal. The ncurses backend implements it; `MemoryTerminal` is its
/// in-memory twin for tests.
public protocol Terminal: AnyObject {
    /// The current size in cells.
    var size: Size { get }
    /// Waits up to `timeoutMilliseconds` for input; nil when none came.
    func readKey(timeoutMilliseconds: Int) -> KeyEvent?
    /// Shows `frame`. Backends send only what changed since the last frame.
    func draw(_ frame: CellBuffer)
    /// Forgets what is on screen, so the next draw repaints everything (after something else wrote to the tty).
    func invalidate()
    /// Restores the terminal to how it was found.
    func close()
}
