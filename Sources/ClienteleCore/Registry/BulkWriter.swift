import Foundation
import GRDB

/// Inserts many clients and secrets inside one write transaction through prepared statements, with dates passed
/// pre-formatted: GRDB's record encoding (Codable plus an ICU date formatter per date) made a 10,000-application
/// sync and a 100,000-client demo several times slower than SQLite itself.
struct BulkWriter {
    private let insertClient: Statement
    private let insertSecret: Statement
    private let insertMembership: Statement

    init(_ db: Database) throws {
        insertClient = try db.makeStatement(sql: """
            INSERT INTO client(identityProviderId, displayName, clientId, objectId, ownerTeam, contact, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertSecret = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO secret(clientRowId, keyId, hint, displayName, createdAt, expiresAt, state, origin)
            VALUES (?, ?, ?, ?, ?, ?, 'active', ?)
            """)
        insertMembership = try db.makeStatement(
            sql: "INSERT INTO clientEnvironment(clientRowId, environmentId) VALUES (?, ?)")
    }

    /// Inserts a client with its secrets (all active) and memberships; returns its row id.
    @discardableResult
    func insert(
        _ remote: RemoteClient, identityProviderId: Int64, origin: SecretOrigin, environmentIds: [Int64] = [],
        ownerTeam: String? = nil, contact: String? = nil, at now: String, db: Database
    ) throws -> Int64 {
        try insertClient.execute(arguments: [
            identityProviderId, remote.displayName, remote.clientId, remote.objectId, ownerTeam, contact, now, now,
        ])
        let clientRowId = db.lastInsertedRowID
        for environmentId in environmentIds {
            try insertMembership.execute(arguments: [clientRowId, environmentId])
        }
        for secret in remote.secrets { try insert(secret, clientRowId: clientRowId, origin: origin) }
        return clientRowId
    }

    func insert(_ secret: RemoteSecret, clientRowId: Int64, origin: SecretOrigin) throws {
        try insertSecret.execute(arguments: [
            clientRowId, secret.keyId, secret.hint, secret.displayName, Timestamp.databaseText(secret.createdAt),
            secret.expiresAt.map(Timestamp.databaseText), origin.rawValue,
        ])
    }
}
