import Foundation

extension Registry {
    /// Records clients that existed at their IdPs before Clientele, with their secrets (all active) and
    /// memberships, in one transaction through `BulkWriter`'s multi-row statements; the first `audited` get a
    /// `client.recorded` event so the audit screen has something to show. Answers how many secrets were recorded.
    func recordEstate(_ clients: ArraySlice<EstateClient>, at now: Date, actor: String, audited: Int) throws -> Int {
        try write { transaction in
            let rowIds = try BulkWriter(transaction).insert(clients.map { client in
                BulkWriter.NewClient(remote: client.remote, identityProviderId: client.identityProviderId,
                                     ownerTeam: client.ownerTeam, contact: client.contact,
                                     environmentIds: client.environmentIds)
            }, origin: .discovered, at: now)
            for client in clients.prefix(audited) {
                let key = BulkWriter.ClientKey(identityProviderId: client.identityProviderId,
                                               clientId: client.remote.clientId)
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "client.recorded",
                    subject: "client \(client.remote.displayName)", clientRowId: rowIds[key],
                    details: ["clientId": client.remote.clientId, "secrets": String(client.remote.secrets.count)])
            }
            return clients.reduce(0) { $0 + $1.remote.secrets.count }
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
