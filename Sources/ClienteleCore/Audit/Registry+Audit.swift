import Foundation
import GRDB

extension Registry {
    /// Streams the trail oldest first, without loading it whole.
    public func forEachAuditEvent(_ body: (AuditEvent) throws -> Void) throws {
        try writer.read { db in
            let cursor = try AuditEvent.order(Column("id")).fetchCursor(db)
            while let event = try cursor.next() { try body(event) }
        }
    }

    /// The audit trail, newest first, optionally narrowed to events mentioning `text`.
    public func auditEvents(mentioning text: String? = nil, limit: Int = 500) throws -> [AuditEvent] {
        try read { db in
            var request = AuditEvent.all().newestFirst()
            if let text, !text.isEmpty { request = request.mentioning(text) }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Checks the audit trail's hash chain.
    public func verifyAuditTrail() throws -> AuditVerification {
        try read { db in try AuditTrail.verify(db) }
    }
}
