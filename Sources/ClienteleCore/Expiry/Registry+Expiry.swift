import Foundation

extension Registry {
    /// Every credential in service that expires before `now + within` (already expired ones included), soonest
    /// first, with Clientele's own admin credentials among them.
    public func expiringSecrets(within window: DurationText, limit: Int? = nil) throws -> [ExpiringSecret] {
        let cutoff = clock.now + window.timeInterval
        return try read { transaction in
            var result: [ExpiringSecret] = []
            // Plain SQL over the partial index `secret_in_service_by_expiry`: this query runs against 300k rows in
            // the benchmark, where record decoding would dominate. Columns by position, in SELECT order.
            try transaction.forEachRow(
                """
                SELECT s.keyId, s.hint, s.state, s.expiresAt, c.id AS clientRowId, c.displayName, c.clientId,
                       i.name AS idp, i.kind, s.lastUsedAt, s.usageCheckedAt, i.usageUnavailable
                FROM secret s JOIN client c ON c.id = s.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                WHERE s.state IN ('active', 'pending') AND s.expiresAt <= ?
                ORDER BY s.expiresAt, s.id
                """ + (limit.map { " LIMIT \($0)" } ?? ""),
                [.date(cutoff)]
            ) { row in
                result.append(
                    ExpiringSecret(
                        kind: try row.string(8) == IdentityProviderKind.gateway.rawValue ? .gatewaySecret : .clientSecret,
                        identityProvider: try row.string(7), client: try row.string(5), clientRowId: try row.int64(4),
                        clientId: try row.string(6), keyId: try row.string(0), hint: try row.string(1),
                        state: SecretState(rawValue: try row.string(2)) ?? .active, expiresAt: try row.date(3),
                        lastUse: SecretMetadata.lastUse(
                            lastUsedAt: try row.optionalDate(9), usageCheckedAt: try row.optionalDate(10),
                            unavailable: try row.optionalString(11))))
            }
            let admins = try transaction.records(
                IdentityProvider.self, "WHERE adminCredentialExpiresAt <= ? ORDER BY adminCredentialExpiresAt, id",
                [.date(cutoff)])
            for idp in admins {
                result.append(
                    ExpiringSecret(
                        kind: .adminCredential, identityProvider: idp.name, client: "Clientele admin (\(idp.name))",
                        clientRowId: nil, clientId: idp.settings.adminClientId, keyId: nil, hint: nil, state: .active,
                        expiresAt: idp.adminCredentialExpiresAt!))
            }
            if !admins.isEmpty { result.sort { $0.expiresAt < $1.expiresAt } }
            return result
        }
    }
}
