import Foundation

extension Registry {
    /// Records what an IdP reported about its secrets' use, for `clientRowIds` (every client of the IdP when nil).
    /// A secret's last use only moves forward: the report lags, so an older time never replaces a newer one. An
    /// IdP that could not say keeps its secrets' recorded times and has its reason recorded.
    public func recordSecretUsage(
        _ report: SecretUsageReport, identityProviderId: Int64, clientRowIds: [Int64]? = nil
    ) throws {
        let now = clock.now
        try write { transaction in
            switch report {
            case .unavailable(let reason):
                try transaction.execute("UPDATE identityProvider SET usageUnavailable = ? WHERE id = ?",
                                        reason, identityProviderId)
            case .available(let lastUsed):
                try transaction.execute("UPDATE identityProvider SET usageUnavailable = NULL WHERE id = ?",
                                        identityProviderId)
                guard let scope = Self.usageScope(identityProviderId: identityProviderId, clientRowIds: clientRowIds)
                else { return }
                try transaction.execute("UPDATE secret SET usageCheckedAt = ? WHERE clientRowId IN \(scope)", now)
                let update = """
                    UPDATE secret SET lastUsedAt = ? WHERE keyId = ? AND clientRowId IN \(scope)
                      AND (lastUsedAt IS NULL OR lastUsedAt < ?)
                    """
                for (keyId, date) in lastUsed { try transaction.execute(update, date, keyId, date) }
            }
        }
    }

    /// The SQL set of client rows a report covers (row ids are integers, so they are written inline); nil for
    /// none, which no SQL list can say.
    private static func usageScope(identityProviderId: Int64, clientRowIds: [Int64]?) -> String? {
        guard let clientRowIds else { return "(SELECT id FROM client WHERE identityProviderId = \(identityProviderId))" }
        if clientRowIds.isEmpty { return nil }
        return "(" + clientRowIds.map(String.init).joined(separator: ",") + ")"
    }
}
