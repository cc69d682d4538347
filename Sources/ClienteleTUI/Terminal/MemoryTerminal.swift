/// A terminal in memory: scripted keys in, cells out. Tests drive the real `ConsoleLoop` with it and read `screen`,
/// which holds only what the loop's writes put there, so a wrong difference shows up as a wrong screen.
public final class MemoryTerminal: TerminalBackend {
    public var size: Size
    public var pendingKeys: [KeyEvent]
    /// What a real terminal would show after the writes so far.
    public private(set) var screen: CellBuffer
    /// How many cells each write carried, oldest first.
    public private(set) var writeCounts: [Int] = []
    public private(set) var clears = 0
    public private(set) var closed = false
    /// Whether a read with no keys left waits as a real terminal with nobody typing does (until a post to the
    /// inbox or the timeout), for timing the loop; tests that script keys leave it off and never wait.
    public var waitsWhenIdle: Bool

    public init(size: Size, keys: [KeyEvent] = [], waitsWhenIdle: Bool = false) {
        self.size = size
        self.pendingKeys = keys
        self.screen = CellBuffer(size: size)
        self.waitsWhenIdle = waitsWhenIdle
    }

    public func readKey(timeoutMilliseconds: Int, wakeup: InboxWakeup) -> KeyEvent? {
        if pendingKeys.isEmpty, waitsWhenIdle, timeoutMilliseconds > 0 {
            _ = wakeup.wait(milliseconds: timeoutMilliseconds)
        }
        return pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func write(_ cells: [CellWrite]) {
        for write in cells { screen[write.x, write.y] = write.cell }
        writeCounts.append(cells.count)
    }

    public func clear() {
        screen = CellBuffer(size: size)
        clears += 1
    }

    public func close() { closed = true }
}
