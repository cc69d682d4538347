import Foundation

/// Inserts many clients and secrets inside one write transaction from bare values: GRDB's record encoding
/// (Codable plus an ICU date formatter per date) made a 10,000-application sync and a 100,000-client demo several
/// times slower than SQLite itself. Its statements are the same text on every call, so the transaction prepares
/// each once (SQLite's caches statements by their text).
struct BulkWriter {
    let transaction: StoreTransaction

    init(_ transaction: StoreTransaction) { self.transaction = transaction }

    private static let clientColumns =
        "INSERT INTO client(identityProviderId, displayName, clientId, objectId, ownerTeam, contact, createdAt, updatedAt) VALUES "
    private static let clientRow = "(?, ?, ?, ?, ?, ?, ?, ?)"
    private static let insertClientSQL = clientColumns + clientRow + " RETURNING id"

    /// A key id the client already has (a secret once removed that its IdP lists again) is recorded afresh: every
    /// column as a new row would have it, so nothing of the old secret's retirement or use lingers.
    private static let secretColumns =
        "INSERT INTO secret(clientRowId, keyId, hint, displayName, createdAt, expiresAt, state, origin) VALUES "
    private static let secretRow = "(?, ?, ?, ?, ?, ?, 'active', ?)"
    private static let secretRecordedAfresh = """
         ON CONFLICT(clientRowId, keyId) DO UPDATE SET hint = excluded.hint, displayName = excluded.displayName,
          createdAt = excluded.createdAt, expiresAt = excluded.expiresAt, state = excluded.state,
          origin = excluded.origin, graceUntil = NULL, removedAt = NULL, lastUsedAt = NULL, usageCheckedAt = NULL
        """
    private static let insertSecretSQL = secretColumns + secretRow + secretRecordedAfresh

    /// Rows per multi-row statement: a statement's fixed cost (with the change triggers, a statement journal each)
    /// is paid once for this many rows, and 500 × 8 placeholders stays far inside either engine's limit.
    static let rowsPerStatement = 500

    private static func rows(_ row: String, count: Int) -> String {
        Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// Inserts clients that share no client id, with their secrets (all active), a few hundred rows a statement;
    /// returns their row ids by client id (the order RETURNING answers in is the engine's, so each row names its
    /// client).
    func insert(
        _ clients: [RemoteClient], identityProviderId: Int64, origin: SecretOrigin, at now: Date
    ) throws -> [String: Int64] {
        var rowIds: [String: Int64] = [:]
        rowIds.reserveCapacity(clients.count)
        var start = 0
        while start < clients.count {
            let chunk = clients[start..<min(start + Self.rowsPerStatement, clients.count)]
            start = chunk.endIndex
            var arguments: [StoreValue] = []
            arguments.reserveCapacity(chunk.count * 8)
            for remote in chunk {
                arguments += [.integer(identityProviderId), .text(remote.displayName), .text(remote.clientId),
                              remote.objectId.storeValue, .null, .null, .date(now), .date(now)]
            }
            let sql = Self.clientColumns + Self.rows(Self.clientRow, count: chunk.count) + " RETURNING id, clientId"
            try transaction.forEachRow(sql, arguments) { row in rowIds[try row.string(1)] = try row.int64(0) }
        }
        try insert(clients.flatMap { client in
            rowIds[client.clientId].map { rowId in client.secrets.map { (rowId, $0) } } ?? []
        }, origin: origin)
        return rowIds
    }

    /// Inserts (or records afresh, as `insert(_:clientRowId:origin:)` does) secrets, a few hundred a statement. A
    /// key id listed twice for one client is recorded as its last listing says, as one statement each would.
    func insert(_ secrets: [(clientRowId: Int64, secret: RemoteSecret)], origin: SecretOrigin) throws {
        var last: [String: Int] = [:]
        for (index, entry) in secrets.enumerated() { last["\(entry.clientRowId) \(entry.secret.keyId)"] = index }
        let unique = secrets.enumerated().filter { last["\($1.clientRowId) \($1.secret.keyId)"] == $0 }.map(\.element)
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(start + Self.rowsPerStatement, unique.count)]
            start = chunk.endIndex
            var arguments: [StoreValue] = []
            arguments.reserveCapacity(chunk.count * 7)
            for (clientRowId, secret) in chunk {
                arguments += Self.insert(secret, clientRowId: clientRowId, origin: origin).arguments
            }
            try transaction.execute(
                Self.secretColumns + Self.rows(Self.secretRow, count: chunk.count) + Self.secretRecordedAfresh,
                arguments)
        }
    }

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
