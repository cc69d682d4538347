import Foundation

/// Inserts many clients and secrets inside one write transaction from bare values: GRDB's record encoding
/// (Codable plus an ICU date formatter per date) made a 10,000-application sync and a 100,000-client demo several
/// times slower than SQLite itself. Rows go a few hundred to a statement: each statement's fixed cost (parsing,
/// and the change feed's triggers, which PostgreSQL runs once per statement) is paid once for all of them.
struct BulkWriter {
    let transaction: StoreTransaction

    init(_ transaction: StoreTransaction) { self.transaction = transaction }

    private static let clientColumns =
        "INSERT INTO client(identityProviderId, displayName, clientId, objectId, ownerTeam, contact, createdAt, updatedAt) VALUES "
    private static let clientRow = "(?, ?, ?, ?, ?, ?, ?, ?)"

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

    /// Rows per multi-row statement: a statement's fixed cost (with the change triggers, a statement journal each)
    /// is paid once for this many rows, and 500 × 8 placeholders stays far inside either engine's limit.
    static let rowsPerStatement = 500

    private static func rows(_ row: String, count: Int) -> String {
        Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// A client to insert, with what only the registry knows of it.
    struct NewClient {
        var remote: RemoteClient
        var identityProviderId: Int64
        var ownerTeam: String? = nil
        var contact: String? = nil
        var environmentIds: [Int64] = []
    }

    /// A client's identity in the registry: its client id is unique at its IdP.
    struct ClientKey: Hashable {
        var identityProviderId: Int64
        var clientId: String
    }

    /// Inserts clients of one IdP that share no client id, with their secrets (all active), a few hundred rows a
    /// statement; returns their row ids by client id.
    func insert(
        _ clients: [RemoteClient], identityProviderId: Int64, origin: SecretOrigin, at now: Date
    ) throws -> [String: Int64] {
        let rowIds = try insert(clients.map { NewClient(remote: $0, identityProviderId: identityProviderId) },
                                origin: origin, at: now)
        return Dictionary(rowIds.map { ($0.key.clientId, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Inserts clients with their secrets (all active) and memberships, a few hundred rows a statement; returns
    /// their row ids (the order RETURNING answers in is the engine's, so each row names its client).
    func insert(_ clients: [NewClient], origin: SecretOrigin, at now: Date) throws -> [ClientKey: Int64] {
        var rowIds: [ClientKey: Int64] = [:]
        rowIds.reserveCapacity(clients.count)
        for chunk in Self.chunks(of: clients) {
            var arguments: [StoreValue] = []
            arguments.reserveCapacity(chunk.count * 8)
            for client in chunk {
                let remote = client.remote
                arguments += [.integer(client.identityProviderId), .text(remote.displayName), .text(remote.clientId),
                              remote.objectId.storeValue, client.ownerTeam.storeValue, client.contact.storeValue,
                              .date(now), .date(now)]
            }
            let sql = Self.clientColumns + Self.rows(Self.clientRow, count: chunk.count)
                + " RETURNING id, identityProviderId, clientId"
            try transaction.forEachRow(sql, arguments) { row in
                rowIds[ClientKey(identityProviderId: try row.int64(1), clientId: try row.string(2))] = try row.int64(0)
            }
        }
        func rowId(_ client: NewClient) -> Int64? {
            rowIds[ClientKey(identityProviderId: client.identityProviderId, clientId: client.remote.clientId)]
        }
        let memberships = clients.flatMap { client in
            rowId(client).map { rowId in client.environmentIds.map { (rowId, $0) } } ?? []
        }
        for chunk in Self.chunks(of: memberships) {
            try transaction.execute(
                "INSERT INTO clientEnvironment(clientRowId, environmentId) VALUES "
                    + Self.rows("(?, ?)", count: chunk.count),
                chunk.flatMap { [StoreValue.integer($0.0), .integer($0.1)] })
        }
        try insert(clients.flatMap { client in
            rowId(client).map { rowId in client.remote.secrets.map { (rowId, $0) } } ?? []
        }, origin: origin)
        return rowIds
    }

    private static func chunks<T>(of items: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: rowsPerStatement).map {
            items[$0..<min($0 + rowsPerStatement, items.count)]
        }
    }

    /// Inserts (or records afresh, as `insert(_:clientRowId:origin:)` does) secrets, a few hundred a statement. A
    /// key id listed twice for one client is recorded as its last listing says, as one statement each would.
    func insert(_ secrets: [(clientRowId: Int64, secret: RemoteSecret)], origin: SecretOrigin) throws {
        var last: [String: Int] = [:]
        for (index, entry) in secrets.enumerated() { last["\(entry.clientRowId) \(entry.secret.keyId)"] = index }
        let unique = secrets.enumerated().filter { last["\($1.clientRowId) \($1.secret.keyId)"] == $0 }.map(\.element)
        for chunk in Self.chunks(of: unique) {
            var arguments: [StoreValue] = []
            arguments.reserveCapacity(chunk.count * 7)
            for (clientRowId, secret) in chunk {
                arguments += Self.values(secret, clientRowId: clientRowId, origin: origin)
            }
            try transaction.execute(
                Self.secretColumns + Self.rows(Self.secretRow, count: chunk.count) + Self.secretRecordedAfresh,
                arguments)
        }
    }

    /// One secret's values, in `secretRow`'s order.
    private static func values(_ secret: RemoteSecret, clientRowId: Int64, origin: SecretOrigin) -> [StoreValue] {
        [.integer(clientRowId), .text(secret.keyId), .text(secret.hint), .text(secret.displayName),
         .date(secret.createdAt), secret.expiresAt.storeValue, .text(origin.rawValue)]
    }
}
