import Foundation

extension Registry {
    /// Streams the trail oldest first, without loading it whole.
    public func forEachAuditEvent(_ body: (AuditEvent) throws -> Void) throws {
        try read { transaction in
            try transaction.forEachRow("SELECT \(AuditEvent.selection()) FROM auditEvent ORDER BY id", []) { row in
                try body(try AuditEvent(row: row))
            }
        }
    }

    /// The audit trail, newest first, optionally narrowed to events whose subject, action, actor, database login or
    /// details mention `text`, case-insensitively.
    public func auditEvents(mentioning text: String? = nil, limit: Int = 500) throws -> [AuditEvent] {
        try read { transaction in
            guard let text, !text.isEmpty else {
                return try transaction.records(AuditEvent.self, "ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
            }
            let like = transaction.dialect.caseInsensitiveLike
            let pattern = StoreValue.text("%\(text)%")
            return try transaction.records(
                AuditEvent.self,
                "WHERE subject \(like) ? OR action \(like) ? OR actor \(like) ? OR sessionUser \(like) ? OR details \(like) ? ORDER BY id DESC LIMIT ?",
                [pattern, pattern, pattern, pattern, pattern, .integer(Int64(limit))])
        }
    }

    /// Recent events about one client, newest first.
    func auditEvents(_ transaction: StoreTransaction, aboutClient clientRowId: Int64, limit: Int) throws -> [AuditEvent] {
        try transaction.records(
            AuditEvent.self, "WHERE clientRowId = ? ORDER BY id DESC LIMIT ?",
            [.integer(clientRowId), .integer(Int64(limit))])
    }

    /// Checks the audit trail's hash chain.
    public func verifyAuditTrail() throws -> AuditVerification {
        try read { transaction in try AuditTrail.verify(transaction) }
    }
}
