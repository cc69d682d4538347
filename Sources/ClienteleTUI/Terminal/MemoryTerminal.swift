/// A terminal in memory: scripted keys in, frames out. Tests drive the real loop with it.
public final class MemoryTerminal: Terminal {
    public var size: Size
    public var pendingKeys: [KeyEvent]
    public private(set) var frames: [CellBuffer] = []
    public private(set) var closed = false
    public private(set) var invalidations = 0

    public init(size: Size, keys: [KeyEvent] = []) {
        self.size = size
        self.pendingKeys = keys
    }

    public func readKey(timeoutMilliseconds: Int) -> KeyEvent? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func draw(_ frame: CellBuffer) { frames.append(frame) }

    public func invalidate() { invalidations += 1 }

    public func close() { closed = true }

    public var lastFrame: CellBuffer? { frames.last }
}
