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

    public init(size: Size, keys: [KeyEvent] = []) {
        self.size = size
        self.pendingKeys = keys
        self.screen = CellBuffer(size: size)
    }

    public func readKey(timeoutMilliseconds: Int) -> KeyEvent? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
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
