import ClienteleCore

/// The audit trail, newest first, with an optional filter and the last verification.
public struct AuditState: Sendable {
    public var events: [AuditEvent] = []
    public var loadedQuery: String?
    public var filter = TextField()
    public var filterEditing = false
    public var verification: AuditVerification?
    public var cursor = ListCursor()

    public init() {}

    /// The event where the chain breaks, if verification found a break.
    public var breakEventId: Int64? {
        if case .broken(let eventId, _, _) = verification { return eventId }
        return nil
    }
}
