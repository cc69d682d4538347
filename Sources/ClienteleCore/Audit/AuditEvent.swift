import Foundation

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
    /// The database login that wrote the event (PostgreSQL's `session_user`), which the database vouches for where
    /// `actor` is only what the operator typed. Nil on SQLite, which has no login.
    public var sessionUser: String? = nil

    /// The actor as people read it: `ops-alice (db: alice)` when the database named its login.
    public var attributedActor: String {
        guard let sessionUser else { return actor }
        return "\(actor) (db: \(sessionUser))"
    }

    /// The details decoded for display.
    public var detailPairs: [(String, String)] {
        guard let data = details.data(using: .utf8),
            let object = try? JSONDecoder().decode([String: String].self, from: data)
        else { return [] }
        return object.sorted { $0.key < $1.key }
    }
}

extension AuditEvent: StoredRecord {
    static let table = "auditEvent"
    static let columns = ["id", "at", "actor", "action", "subject", "details", "previousHash", "hash", "clientRowId", "sessionUser"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), at: try row.date(1), actor: try row.string(2), action: try row.string(3),
            subject: try row.string(4), details: try row.string(5), previousHash: try row.string(6),
            hash: try row.string(7), clientRowId: try row.optionalInt64(8), sessionUser: try row.optionalString(9))
    }

    var storedValues: [StoreValue] {
        [at.storeValue, .text(actor), .text(action), .text(subject), .text(details), .text(previousHash), .text(hash),
         clientRowId.storeValue, sessionUser.storeValue]
    }
}
