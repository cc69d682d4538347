import Foundation

/// One client as the console's list holds it: plain columns only, so 100k of them load in one pass without record
/// decoding. Expiry is seconds since 1970 (nil when no secret in service expires).
public struct ConsoleClientRow: Sendable, Hashable {
    public var id: Int64
    public var displayName: String
    public var clientId: String
    public var ownerTeam: String?
    public var identityProviderId: Int64
    public var environmentIds: [Int64]
    public var activeSecrets: Int
    public var nextExpiry: Double?

    public init(id: Int64, displayName: String, clientId: String, ownerTeam: String?, identityProviderId: Int64,
                environmentIds: [Int64], activeSecrets: Int, nextExpiry: Double?)
    {
        self.id = id
        self.displayName = displayName
        self.clientId = clientId
        self.ownerTeam = ownerTeam
        self.identityProviderId = identityProviderId
        self.environmentIds = environmentIds
        self.activeSecrets = activeSecrets
        self.nextExpiry = nextExpiry
    }
}

/// What changed in the clients list between two revisions.
public enum ConsoleClientChanges: Sendable, Equatable {
    /// The list must be read again whole.
    case everything
    /// These clients' rows as they are now, and the ids of clients that are gone.
    case rows(changed: [ConsoleClientRow], removed: [Int64])
}

/// Small read-only queries for the console (ClienteleTUI), which has no database access of its own.
extension Registry {
    /// Clients by name (case-insensitive), with their in-service secret count, soonest expiry and environments.
    /// With `limit`, only the first rows by name: what the console's first frame needs while the rest loads.
    ///
    /// A large registry takes a while, so the load reports `progress(done, total)` every few thousand rows and
    /// stops with `CancellationError` when the task running it is cancelled (the console's Esc).
    public func consoleClientRows(limit: Int? = nil, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws
        -> [ConsoleClientRow]
    {
        try read { transaction in
            try Self.consoleClientRows(transaction, limit.map { .firstByName($0) } ?? .all, progress: progress)
        }
    }

    /// What changed in the clients list since `revision`, read in one snapshot with the revision it reaches: the
    /// rows of the clients changed since (and the ids of those gone), or `.everything` when the whole list must be
    /// read again (an environment or an IdP renamed, a bulk change, a revision older than the feed).
    public func consoleClientChanges(since revision: Int64) throws -> (changes: ConsoleClientChanges, revision: Int64) {
        try read { transaction in
            let now = try RegistryInfo.revision(transaction)
            let allChangedAt = try RegistryInfo.value(transaction, key: ClientChangeFeed.allChangedKey)
                .flatMap { Int64($0) } ?? 0
            guard allChangedAt <= revision else { return (.everything, now) }
            let ids = try transaction.int64s(
                "SELECT clientRowId FROM \(ClientChangeFeed.table) WHERE revision > ? ORDER BY clientRowId LIMIT ?",
                revision, Int64(Self.mostChangesApplied + 1))
            // So many at once that reading the list whole is as quick, and simpler to trust.
            guard ids.count <= Self.mostChangesApplied else { return (.everything, now) }
            guard !ids.isEmpty else { return (.rows(changed: [], removed: []), now) }
            let rows = try Self.consoleClientRows(transaction, .ids(ids), progress: nil)
            let present = Set(rows.map(\.id))
            return (.rows(changed: rows, removed: ids.filter { !present.contains($0) }), now)
        }
    }

    static let mostChangesApplied = 2_000

    enum ConsoleRowSelection {
        case all
        case firstByName(Int)
        case ids([Int64])
    }

    private static func consoleClientRows(
        _ transaction: StoreTransaction, _ selection: ConsoleRowSelection,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) throws -> [ConsoleClientRow] {
        let dialect = transaction.dialect
        // Sized up front: growing a 100k-row array by doubling briefly holds two copies of it.
        let expected: Int
        var clientSQL = "SELECT id, displayName, clientId, ownerTeam, identityProviderId FROM client"
        switch selection {
        case .all: expected = try transaction.count(Client.table)
        case .firstByName(let limit):
            expected = limit
            clientSQL += " ORDER BY \(dialect.caseInsensitive("displayName")), id LIMIT \(limit)"
        case .ids(let ids):
            expected = ids.count
            clientSQL += " WHERE id IN (\(ids.map(String.init).joined(separator: ",")))"
        }
        // Three passes (clients, secrets, environments), each about one row per client.
        let total = max(1, 3 * expected)
        var done = 0
        func step() throws {
            done += 1
            if done & 4095 == 0 {
                try Task.checkCancellation()
                progress?(min(done, total), total)
            }
        }
        var rows: [ConsoleClientRow] = []
        rows.reserveCapacity(expected)
        var position: [Int64: Int] = [:]
        position.reserveCapacity(expected)
        try transaction.forEachRow(clientSQL, []) { row in
            let id = try row.int64(0)
            position[id] = rows.count
            rows.append(ConsoleClientRow(
                id: id, displayName: try row.string(1), clientId: try row.string(2),
                ownerTeam: try row.optionalString(3), identityProviderId: try row.int64(4),
                environmentIds: [], activeSecrets: 0, nextExpiry: nil))
            try step()
        }
        done = expected
        let restrict: String
        switch selection {
        case .all: restrict = ""
        case .firstByName, .ids:
            // No clients selected have nothing more to read (and `IN ()` is no SQL).
            guard !rows.isEmpty else {
                try Task.checkCancellation()
                progress?(total, total)
                return rows
            }
            restrict = " AND clientRowId IN (\(rows.map { String($0.id) }.joined(separator: ",")))"
        }
        // Expiry as seconds computed by the engine: far cheaper than decoding 100k dates from text.
        try transaction.forEachRow("""
            SELECT clientRowId, count(*), \(dialect.epochSeconds("min(expiresAt)")) FROM secret
            WHERE state IN ('active', 'pending')\(restrict) GROUP BY clientRowId
            """, []) { row in
            try step()
            guard let index = position[try row.int64(0)] else { return }
            rows[index].activeSecrets = try row.int(1)
            rows[index].nextExpiry = try row.optionalDouble(2)
        }
        done = 2 * expected
        try transaction.forEachRow("""
            SELECT ce.clientRowId, ce.environmentId FROM clientEnvironment ce
            JOIN environment e ON e.id = ce.environmentId
            WHERE TRUE\(restrict.replacingOccurrences(of: "clientRowId", with: "ce.clientRowId"))
            ORDER BY e.position, e.id
            """, []) { row in
            try step()
            guard let index = position[try row.int64(0)] else { return }
            rows[index].environmentIds.append(try row.int64(1))
        }
        try Task.checkCancellation()
        progress?(total, total)
        return rows
    }

    /// Counts for the console's header.
    public func consoleCounts() throws -> (clients: Int, secretsInService: Int, openRotations: Int) {
        try read { transaction in
            (try transaction.count(Client.table),
             try transaction.count(SecretMetadata.table, "WHERE state IN ('active', 'pending')"),
             try transaction.count(Rotation.table, "WHERE " + Self.rotationInProgress))
        }
    }
}
