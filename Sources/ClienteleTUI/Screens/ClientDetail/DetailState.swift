import ClienteleCore

/// One client's page: secrets, environments, policies, recent events.
public struct DetailState: Sendable {
    public var clientRowId: Int64?
    public var detail: ClientDetail?
    public var cursor = ListCursor()

    public init() {}

    public var isLoading: Bool { clientRowId != nil && detail?.client.id != clientRowId }
}
