import Foundation

extension Registry {
    /// Secrets in service (active or pending) older than `window` whose IdP reported no use since `now - window`.
    /// A secret younger than the window is no candidate: it has not had the window to be used in. `idpIds` limits
    /// it to those IdPs.
    public func unusedSecrets(window: DurationText, idpIds: [Int64]? = nil) throws -> UnusedSecrets {
        let now = clock.now
        let since = now - window.timeInterval
        let idps = try identityProviders().filter { idp in idpIds.map { $0.contains(idp.id!) } ?? true }
        // Plain tuples out of the read: rows are not Sendable.
        let rows = try read { transaction in
            try transaction.fetchAll(
                """
                SELECT c.displayName, c.clientId, c.identityProviderId, s.keyId, s.hint, s.createdAt, s.expiresAt,
                       s.lastUsedAt, s.usageCheckedAt
                FROM secret s JOIN client c ON c.id = s.clientRowId
                WHERE s.state IN ('active', 'pending') AND s.createdAt <= ? AND (s.lastUsedAt IS NULL OR s.lastUsedAt < ?)
                ORDER BY \(transaction.dialect.caseInsensitive("c.displayName")), s.createdAt, s.id
                """, [.date(since), .date(since)]
            ) { row in
                (client: try row.string(0), clientId: try row.string(1), idpId: try row.int64(2), keyId: try row.string(3),
                 hint: try row.string(4), createdAt: try row.date(5), expiresAt: try row.optionalDate(6),
                 lastUsedAt: try row.optionalDate(7), checkedAt: try row.optionalDate(8))
            }
        }
        var unused: [UnusedSecrets.Candidate] = []
        var unknown: [Int64: (reason: String, count: Int)] = [:]
        let byId = Dictionary(uniqueKeysWithValues: idps.map { ($0.id!, $0) })
        for row in rows {
            guard let idp = byId[row.idpId] else { continue }
            let lastUsedAt = row.lastUsedAt
            // An IdP that says it cannot tell (an old recorded use proves nothing since), or a secret never read:
            // no grounds to call it unused.
            if let reason = idp.usageUnavailable ?? (lastUsedAt == nil && row.checkedAt == nil ? "not read from the IdP yet" : nil) {
                unknown[idp.id!, default: (reason, 0)].count += 1
                continue
            }
            let lastUse: SecretLastUse = lastUsedAt.map(SecretLastUse.usedAt) ?? .noUseRecorded
            unused.append(UnusedSecrets.Candidate(
                client: row.client, clientId: row.clientId, idp: idp.name, keyId: row.keyId, hint: row.hint,
                createdAt: row.createdAt, expiresAt: row.expiresAt, lastUsedAt: lastUsedAt, lastUse: lastUse.text(now: now)))
        }
        let cannotSay = unknown.compactMap { id, entry in
            byId[id].map { UnusedSecrets.CannotSay(idp: $0.name, reason: entry.reason, secrets: entry.count) }
        }.sorted { $0.idp < $1.idp }
        return UnusedSecrets(window: window.description, unused: unused, cannotSay: cannotSay)
    }
}
