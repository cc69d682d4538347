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
}
