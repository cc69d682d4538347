import Foundation
import GRDB

extension Registry {
    /// Records what an IdP reported about its secrets' use, for `clientRowIds` (every client of the IdP when nil).
    /// A secret's last use only moves forward: the report lags, so an older time never replaces a newer one. An
    /// IdP that could not say keeps its secrets' recorded times and has its reason recorded.
    public func recordSecretUsage(
        _ report: SecretUsageReport, identityProviderId: Int64, clientRowIds: [Int64]? = nil
    ) throws {
        let now = clock.now
        try sqliteWrite { db in
            switch report {
            case .unavailable(let reason):
                try db.execute(sql: "UPDATE identityProvider SET usageUnavailable = ? WHERE id = ?",
                               arguments: [reason, identityProviderId])
            case .available(let lastUsed):
                try db.execute(sql: "UPDATE identityProvider SET usageUnavailable = NULL WHERE id = ?",
                               arguments: [identityProviderId])
                let scope = try Self.usageScope(db, identityProviderId: identityProviderId, clientRowIds: clientRowIds)
                try db.execute(sql: "UPDATE secret SET usageCheckedAt = ? WHERE clientRowId IN \(scope)",
                               arguments: [now])
                let update = try db.makeStatement(sql: """
                    UPDATE secret SET lastUsedAt = ? WHERE keyId = ? AND clientRowId IN \(scope)
                      AND (lastUsedAt IS NULL OR lastUsedAt < ?)
                    """)
                for (keyId, date) in lastUsed { try update.execute(arguments: [date, keyId, date]) }
            }
        }
    }

    /// The SQL set of client rows a report covers (row ids are integers, so they are written inline).
    private static func usageScope(_ db: Database, identityProviderId: Int64, clientRowIds: [Int64]?) throws -> String {
        guard let clientRowIds else { return "(SELECT id FROM client WHERE identityProviderId = \(identityProviderId))" }
        return "(" + (clientRowIds.isEmpty ? "NULL" : clientRowIds.map(String.init).joined(separator: ",")) + ")"
    }
}
