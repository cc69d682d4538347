import Foundation

extension Registry {
    /// Records clients that existed at their IdPs before Clientele, with their secrets (all active) and
    /// memberships, in one transaction through `BulkWriter`; the first `audited` get a `client.recorded` event so
    /// the audit screen has something to show. Answers how many secrets were recorded.
    func recordEstate(_ clients: ArraySlice<EstateClient>, at now: Date, actor: String, audited: Int) throws -> Int {
        try write { transaction in
            let writer = BulkWriter(transaction)
            var secrets = 0
            for (index, client) in zip(0..., clients) {
                let clientRowId = try writer.insert(
                    client.remote, identityProviderId: client.identityProviderId, origin: .discovered,
                    environmentIds: client.environmentIds, ownerTeam: client.ownerTeam, contact: client.contact, at: now)
                secrets += client.remote.secrets.count
                if index < audited {
                    try AuditTrail.append(
                        transaction, at: now, actor: actor, action: "client.recorded",
                        subject: "client \(client.remote.displayName)", clientRowId: clientRowId,
                        details: ["clientId": client.remote.clientId, "secrets": String(client.remote.secrets.count)])
                }
            }
            return secrets
        }
    }

    func recordDemoBuilt(clients: Int, secrets: Int, seed: UInt64, at now: Date, actor: String) throws {
        _ = try write { transaction in
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "demo.built", subject: "registry",
                details: ["clients": String(clients), "secrets": String(secrets), "seed": String(seed)])
        }
    }

    /// Last use as a sync would have recorded it: three secrets in four used within the last two days (spread by
    /// row id), the rest with no sign-in recorded; gateways keep no such record. One UPDATE, so the 100k-client
    /// build stays as fast as before.
    func recordDemoUses(at now: Date) throws {
        try write { transaction in
            let lastUsed = transaction.dialect.date("?", minusMinutes: "60 + id * 37 % 2820")
            try transaction.execute("""
                UPDATE secret SET usageCheckedAt = ?,
                  lastUsedAt = CASE WHEN id % 4 = 0 THEN NULL ELSE \(lastUsed) END
                WHERE state <> 'removed' AND clientRowId IN (SELECT c.id FROM client c
                  JOIN identityProvider i ON i.id = c.identityProviderId WHERE i.kind <> 'gateway')
                """, now, now)
        }
    }

    /// The first `limit` clients of the IdP named `name`, by row id.
    func clientRowIds(ofIdentityProviderNamed name: String, limit: Int) throws -> [Int64] {
        try read { transaction in
            try transaction.int64s("""
                SELECT c.id FROM client c JOIN identityProvider i ON i.id = c.identityProviderId
                WHERE i.name = ? ORDER BY c.id LIMIT ?
                """, name, limit)
        }
    }
}
