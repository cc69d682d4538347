import Foundation
import GRDB

/// One credential that expires within a window: a client's secret, a secret a gateway holds itself, or Clientele's
/// own admin credential at an IdP.
public struct ExpiringSecret: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case clientSecret = "client-secret"
        /// A secret the gateway validates itself (a Kong key-auth key); `identityProvider` names the gateway.
        case gatewaySecret = "gateway-secret"
        case adminCredential = "admin-credential"
    }

    public var kind: Kind
    public var identityProvider: String
    /// The client's display name; for an admin credential, the IdP's name.
    public var client: String
    public var clientRowId: Int64?
    public var clientId: String?
    public var keyId: String?
    public var hint: String?
    public var state: SecretState
    public var expiresAt: Date
    /// Its last use as recorded; nil for an admin credential, whose use Clientele does not track.
    public var lastUse: SecretLastUse? = nil
}

extension Registry {
    /// Every credential in service that expires before `now + within` (already expired ones included), soonest
    /// first, with Clientele's own admin credentials among them.
    public func expiringSecrets(within window: DurationText, limit: Int? = nil) throws -> [ExpiringSecret] {
        let cutoff = clock.now + window.timeInterval
        return try sqliteRead { db in
            var result: [ExpiringSecret] = []
            // Plain SQL over the partial index `secret_in_service_by_expiry`: this query runs against 300k rows in
            // the benchmark, where record decoding would dominate.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.keyId, s.hint, s.state, s.expiresAt, c.id AS clientRowId, c.displayName, c.clientId,
                           i.name AS idp, i.kind, s.lastUsedAt, s.usageCheckedAt, i.usageUnavailable
                    FROM secret s JOIN client c ON c.id = s.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    WHERE s.state IN ('active', 'pending') AND s.expiresAt <= ?
                    ORDER BY s.expiresAt, s.id
                    """ + (limit.map { " LIMIT \($0)" } ?? ""),
                arguments: [cutoff])
            // Columns by position, in SELECT order: name lookups hash every column name of every row.
            while let row = try rows.next() {
                result.append(
                    ExpiringSecret(
                        kind: (row[8] as String) == IdentityProviderKind.gateway.rawValue ? .gatewaySecret : .clientSecret,
                        identityProvider: row[7], client: row[5], clientRowId: row[4],
                        clientId: row[6], keyId: row[0], hint: row[1],
                        state: SecretState(rawValue: row[2]) ?? .active, expiresAt: try row.storedDate(atIndex: 3)!,
                        lastUse: SecretMetadata.lastUse(
                            lastUsedAt: try row.storedDate(atIndex: 9), usageCheckedAt: try row.storedDate(atIndex: 10),
                            unavailable: row[11])))
            }
            let admins = try IdentityProvider.filter(Column("adminCredentialExpiresAt") <= cutoff).fetchAll(db)
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
