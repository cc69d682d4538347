import Foundation
import GRDB

/// One entry of the audit trail. Events form a SHA-256 hash chain: each stores the hash of the one before it, so
/// altering or removing an event breaks the chain where it happened.
public struct AuditEvent: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var at: Date
    public var actor: String
    /// Dotted verb such as `rotation.started` or `policy.assigned`.
    public var action: String
    /// What was acted on, in the words an operator would search for: `client billing-api`, `environment Prod`.
    public var subject: String
    /// Canonical JSON (sorted keys) of non-secret facts about the change.
    public var details: String
    public var previousHash: String
    public var hash: String
    /// The client the event is about, by registry row id: display names are not unique. Nil for events about
    /// something else, and for events from before v2 that could not be tied to one client unambiguously.
    public var clientRowId: Int64? = nil

    /// The details decoded for display.
    public var detailPairs: [(String, String)] {
        guard let data = details.data(using: .utf8),
            let object = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [] }
        return object.sorted { $0.key < $1.key }
    }
}

extension AuditEvent: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEvent"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<AuditEvent> {
    public func newestFirst() -> Self { order(Column("id").desc) }

    /// Events about one client, by its row id.
    public func about(clientRowId: Int64) -> Self { filter(Column("clientRowId") == clientRowId) }

    /// Events whose subject or action mention `text`, case-insensitively.
    public func mentioning(_ text: String) -> Self {
        let pattern = "%\(text)%"
        return filter(Column("subject").like(pattern) || Column("action").like(pattern) || Column("actor").like(pattern)
            || Column("details").like(pattern))
    }
}
