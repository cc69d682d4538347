/// What the terminal shows, kept by the loop so each frame sends only the cells that changed (ratatui's two
/// buffers). Backends stay dumb: they write what this hands them.
struct TerminalScreen {
    /// The last frame written, or nil when the screen must be repainted from nothing.
    private(set) var shown: CellBuffer?

    /// Whether `frame` needs a cleared screen first: nothing known is on it, or its size changed.
    func needsClear(for frame: CellBuffer) -> Bool { shown?.size != frame.size }

    /// The cells to write to turn what is shown into `frame`; every cell after a clear. Records `frame` as shown.
    mutating func changes(to frame: CellBuffer) -> [CellWrite] {
        defer { shown = frame }
        let width = frame.size.width
        guard let shown, shown.size == frame.size else {
            return frame.cells.indices.map { CellWrite(x: $0 % width, y: $0 / width, cell: frame.cells[$0]) }
        }
        var writes: [CellWrite] = []
        for index in frame.cells.indices where shown.cells[index] != frame.cells[index] {
            writes.append(CellWrite(x: index % width, y: index / width, cell: frame.cells[index]))
        }
        return writes
    }

    /// Forget what is shown: the next frame repaints everything.
    mutating func invalidate() { shown = nil }
}
