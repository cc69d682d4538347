/// A selection in a list and the scroll offset that keeps it visible. Every move clamps, so an empty list, a list
/// that shrank under a filter, or a one-row window never leaves the selection out of range.
public struct ListCursor: Equatable, Sendable {
    public var selected = 0
    public var offset = 0

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    public mutating func move(_ command: KeyCommand, count: Int, page: Int) -> Bool {
        let before = self
        let page = max(1, page)
        switch command {
        case .up: selected -= 1
        case .down: selected += 1
        case .top: selected = 0
        case .bottom: selected = count - 1
        case .pageUp: selected -= page
        case .pageDown: selected += page
        default: return false
        }
        clamp(count: count, page: page)
        return self != before || true
    }

    public mutating func clamp(count: Int, page: Int) {
        let page = max(1, page)
        selected = max(0, min(selected, count - 1))
        if selected < offset { offset = selected }
        if selected >= offset + page { offset = selected - page + 1 }
        offset = max(0, min(offset, max(0, count - page)))
    }
}
