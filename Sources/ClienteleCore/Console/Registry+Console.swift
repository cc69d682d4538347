import Foundation
import GRDB

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
        try sqliteRead { db in
            // Sized up front: growing a 100k-row array by doubling briefly holds two copies of it.
            let expected = try limit ?? (Int.fetchOne(db, sql: "SELECT count(*) FROM client") ?? 0)
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
            let clientSQL = "SELECT id, displayName, clientId, ownerTeam, identityProviderId FROM client"
                + (limit.map { " ORDER BY displayName COLLATE NOCASE, id LIMIT \($0)" } ?? "")
            let clients = try Row.fetchCursor(db, sql: clientSQL)
            while let row = try clients.next() {
                let id: Int64 = row[0]
                position[id] = rows.count
                rows.append(ConsoleClientRow(
                    id: id, displayName: row[1], clientId: row[2], ownerTeam: row[3], identityProviderId: row[4],
                    environmentIds: [], activeSecrets: 0, nextExpiry: nil))
                try step()
            }
            done = expected
            // julianday arithmetic returns a Double, which is far cheaper than decoding 100k dates from text.
            let restrict = limit == nil ? "" : " AND clientRowId IN (\(rows.map { String($0.id) }.joined(separator: ",")))"
            let secrets = try Row.fetchCursor(db, sql: """
                SELECT clientRowId, count(*), (julianday(min(expiresAt)) - 2440587.5) * 86400.0 FROM secret
                WHERE state IN ('active', 'pending')\(restrict) GROUP BY clientRowId
                """)
            while let row = try secrets.next() {
                try step()
                guard let index = position[row[0]] else { continue }
                rows[index].activeSecrets = row[1]
                rows[index].nextExpiry = row[2]
            }
            let memberships = try Row.fetchCursor(db, sql: """
                SELECT ce.clientRowId, ce.environmentId FROM clientEnvironment ce
                JOIN environment e ON e.id = ce.environmentId
                WHERE 1\(restrict.replacingOccurrences(of: "clientRowId", with: "ce.clientRowId"))
                ORDER BY e.position
                """)
            done = 2 * expected
            while let row = try memberships.next() {
                try step()
                guard let index = position[row[0]] else { continue }
                rows[index].environmentIds.append(row[1])
            }
            try Task.checkCancellation()
            progress?(total, total)
            return rows
        }
    }

    /// Counts for the console's header.
    public func consoleCounts() throws -> (clients: Int, secretsInService: Int, openRotations: Int) {
        try sqliteRead { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM client") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM secret WHERE state IN ('active', 'pending')") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM rotation WHERE step NOT IN ('done', 'failed')") ?? 0)
        }
    }
}
