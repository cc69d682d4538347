import Foundation

/// Inserts many clients and secrets inside one write transaction from bare values: GRDB's record encoding
/// (Codable plus an ICU date formatter per date) made a 10,000-application sync and a 100,000-client demo several
/// times slower than SQLite itself. Its statements are the same text on every call, so the transaction prepares
/// each once (SQLite's caches statements by their text).
struct BulkWriter {
    let transaction: StoreTransaction

    init(_ transaction: StoreTransaction) { self.transaction = transaction }

    private static let insertClientSQL = """
        INSERT INTO client(identityProviderId, displayName, clientId, objectId, ownerTeam, contact, createdAt, updatedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """

    /// A key id the client already has (a secret once removed that its IdP lists again) is recorded afresh: every
    /// column as a new row would have it, so nothing of the old secret's retirement or use lingers.
    private static let insertSecretSQL = """
        INSERT INTO secret(clientRowId, keyId, hint, displayName, createdAt, expiresAt, state, origin)
        VALUES (?, ?, ?, ?, ?, ?, 'active', ?)
        ON CONFLICT(clientRowId, keyId) DO UPDATE SET hint = excluded.hint, displayName = excluded.displayName,
          createdAt = excluded.createdAt, expiresAt = excluded.expiresAt, state = excluded.state,
          origin = excluded.origin, graceUntil = NULL, removedAt = NULL, lastUsedAt = NULL, usageCheckedAt = NULL
        """

    /// Inserts a client with its secrets (all active) and memberships; returns its row id.
    @discardableResult
    func insert(
        _ remote: RemoteClient, identityProviderId: Int64, origin: SecretOrigin, environmentIds: [Int64] = [],
        ownerTeam: String? = nil, contact: String? = nil, at now: Date
    ) throws -> Int64 {
        let clientRowId = try transaction.insertReturningId(Self.insertClientSQL, [
            .integer(identityProviderId), .text(remote.displayName), .text(remote.clientId), remote.objectId.storeValue,
            ownerTeam.storeValue, contact.storeValue, .date(now), .date(now),
        ])
        let memberships = environmentIds.map { environmentId in
            (sql: Registry.insertMembershipSQL, arguments: [StoreValue.integer(clientRowId), .integer(environmentId)])
        }
        try transaction.executeEach(memberships + remote.secrets.map { Self.insert($0, clientRowId: clientRowId, origin: origin) })
        return clientRowId
    }

    func insert(_ secret: RemoteSecret, clientRowId: Int64, origin: SecretOrigin) throws {
        let statement = Self.insert(secret, clientRowId: clientRowId, origin: origin)
        try transaction.execute(statement.sql, statement.arguments)
    }

    private static func insert(
        _ secret: RemoteSecret, clientRowId: Int64, origin: SecretOrigin
    ) -> (sql: String, arguments: [StoreValue]) {
        (insertSecretSQL, [
            .integer(clientRowId), .text(secret.keyId), .text(secret.hint), .text(secret.displayName),
            .date(secret.createdAt), secret.expiresAt.storeValue, .text(origin.rawValue),
        ])
    }
}
