/// One terminal cell: a grapheme and its role. A wide character occupies its cell and marks the next one as a
/// continuation (empty text), so the backend skips it and the column arithmetic stays exact.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var role: StyleRole

    public init(_ text: String = " ", role: StyleRole = .normal) {
        self.text = text
        self.role = role
    }

    public static let blank = Cell()
    static let continuation = Cell("", role: .normal)

    public var isContinuation: Bool { text.isEmpty }
}
