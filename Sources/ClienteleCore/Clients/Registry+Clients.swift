import Foundation
import GRDB

extension Registry {
    static let clientSummarySQL = """
        SELECT c.id, c.displayName, c.clientId, c.ownerTeam, i.name AS idp,
          (SELECT group_concat(e.name, char(31)) FROM
             (SELECT e.name FROM clientEnvironment ce JOIN environment e ON e.id = ce.environmentId
              WHERE ce.clientRowId = c.id ORDER BY e.position) e) AS environments,
          (SELECT count(*) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS activeSecrets,
          (SELECT min(s.expiresAt) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS nextExpiry
        FROM client c JOIN identityProvider i ON i.id = c.identityProviderId
        """

    /// Clients matching `filter` (substring of name, client id or owner; environment; IdP), by name.
    public func clients(matching filter: ClientFilter = ClientFilter(), limit: Int? = nil) throws -> [ClientSummary] {
        try sqliteRead { db in
            let (sql, arguments) = try Self.clientSummaryQuery(db, matching: filter, limit: limit)
            // A cursor and column positions (the order of clientSummarySQL): at 100k clients, copying every row and
            // looking columns up by name cost as much as the query.
            var summaries: [ClientSummary] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let environments: String? = row[5]
                summaries.append(ClientSummary(
                    id: row[0], displayName: row[1], clientId: row[2], identityProvider: row[4],
                    environments: environments.map { $0.split(separator: "\u{1F}").map(String.init) } ?? [],
                    ownerTeam: row[3], activeSecrets: row[6], nextExpiry: try row.storedDate(atIndex: 7)))
            }
            return summaries
        }
    }

    /// `clientSummarySQL` narrowed by `filter`, by name; an unknown environment or IdP throws, naming it.
    static func clientSummaryQuery(
        _ db: Database, matching filter: ClientFilter, limit: Int?
    ) throws -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let text = filter.text, !text.isEmpty {
            conditions.append("(c.displayName LIKE ? ESCAPE '\\' OR c.clientId LIKE ? ESCAPE '\\' OR c.ownerTeam LIKE ? ESCAPE '\\')")
            let pattern = "%" + Self.escapeLike(text) + "%"
            arguments += [pattern, pattern, pattern]
        }
        if let name = filter.environment {
            let environment = try Self.environment(db, named: name)
            conditions.append("c.id IN (SELECT clientRowId FROM clientEnvironment WHERE environmentId = ?)")
            arguments.append(environment.id!)
        }
        if let name = filter.identityProvider {
            conditions.append("i.name = ? COLLATE NOCASE")
            arguments.append(name)
            if try IdentityProvider.filter(Column("name").collating(.nocase) == name).fetchCount(db) == 0 {
                throw ClienteleError.notFound("no identity provider '\(name)'")
            }
        }
        var sql = Self.clientSummarySQL
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY c.displayName COLLATE NOCASE, c.id"
        if let limit { sql += " LIMIT \(limit)" }
        return (sql, StatementArguments(arguments))
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    public func clientCount() throws -> Int { try sqliteRead { db in try Client.fetchCount(db) } }

    /// The client with this registry row id.
    func client(rowId: Int64) throws -> Client {
        guard let client = try sqliteRead({ db in try Client.fetchOne(db, key: rowId) }) else {
            throw ClienteleError.notFound("no client #\(rowId)")
        }
        return client
    }

    /// Resolves what an operator typed: a registry id (`12` or `#12`), a client id, or a display name. An
    /// ambiguous name lists its matches; an unknown one suggests near names.
    public func resolveClient(_ reference: String) throws -> Client {
        try sqliteRead { db in try Self.resolveClient(db, reference) }
    }

    static func resolveClient(_ db: Database, _ reference: String) throws -> Client {
        let text = reference.trimmingCharacters(in: .whitespaces)
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        if let rowId = Int64(digits), let client = try Client.fetchOne(db, key: rowId) { return client }
        let byClientId = try Client.filter(Column("clientId") == text).fetchAll(db)
        if byClientId.count == 1 { return byClientId[0] }
        let byName = byClientId.isEmpty
            ? try Client.filter(Column("displayName").collating(.nocase) == text).fetchAll(db) : byClientId
        if byName.count == 1 { return byName[0] }
        if byName.count > 1 {
            let idps = try Dictionary(uniqueKeysWithValues: IdentityProvider.fetchAll(db).map { ($0.id!, $0.name) })
            let listed = byName.prefix(10).map { "#\($0.id!) (\(idps[$0.identityProviderId] ?? "?"), \($0.clientId))" }
            throw ClienteleError.ambiguous(
                "client '\(text)' matches \(byName.count) clients: \(listed.joined(separator: ", ")); name one by #id or client id")
        }
        let near = try String.fetchAll(
            db, sql: "SELECT displayName FROM client WHERE displayName LIKE ? ESCAPE '\\' ORDER BY displayName LIMIT 3",
            arguments: ["%" + escapeLike(String(text.prefix(4))) + "%"])
        throw ClienteleError.notFound(
            "no client '\(text)'" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
    }

    public func clientDetail(_ clientRowId: Int64, recentEventLimit: Int = 10) throws -> ClientDetail {
        try sqliteRead { db in
            guard let client = try Client.fetchOne(db, key: clientRowId) else {
                throw ClienteleError.notFound("no client #\(clientRowId)")
            }
            let idp = try IdentityProvider.fetchOne(db, key: client.identityProviderId)!
            let secrets = try SecretMetadata.filter(Column("clientRowId") == clientRowId)
                .order(Column("state") == SecretState.removed.rawValue, Column("expiresAt").desc).fetchAll(db)
            let environments = try Environment
                .filter(sql: "id IN (SELECT environmentId FROM clientEnvironment WHERE clientRowId = ?)",
                        arguments: [clientRowId])
                .orderedForDisplay().fetchAll(db)
            let policies = try Self.effectivePolicies(db, environments: environments)
            let rotations = try Rotation.filter(Column("clientRowId") == clientRowId).order(Column("id").desc)
                .limit(5).fetchAll(db)
            // By row id, not by name: display names are not unique, and twins must not see each other's history.
            let events = try auditEvents(SQLiteTransaction(db), aboutClient: clientRowId, limit: recentEventLimit)
            return ClientDetail(client: client, identityProvider: idp, secrets: secrets, environments: environments,
                                policies: policies, rotations: rotations, recentEvents: events,
                                gatewayApps: try Self.gatewayApps(db, ofClient: clientRowId),
                                access: try Self.access(db, ofClient: clientRowId))
        }
    }

    /// Records a client found at or registered with an IdP, with its secrets and environment memberships.
    @discardableResult
    public func recordClient(
        _ remote: RemoteClient, identityProvider: IdentityProvider, environments: [String], ownerTeam: String? = nil,
        contact: String? = nil, origin: SecretOrigin, actor: String
    ) throws -> Client {
        let now = clock.now
        return try sqliteWrite { db in
            let environmentIds = try environments.map { try Self.environment(db, named: $0).id! }
            var client = Client(
                identityProviderId: identityProvider.id!, displayName: remote.displayName, clientId: remote.clientId,
                objectId: remote.objectId, ownerTeam: ownerTeam, contact: contact, createdAt: now, updatedAt: now)
            try client.insert(db)
            for environmentId in environmentIds {
                try ClientMembership(clientRowId: client.id!, environmentId: environmentId).insert(db)
            }
            for secret in remote.secrets {
                var metadata = SecretMetadata(
                    clientRowId: client.id!, keyId: secret.keyId, hint: secret.hint, displayName: secret.displayName,
                    createdAt: secret.createdAt, expiresAt: secret.expiresAt, state: .active, origin: origin)
                try metadata.insert(db)
            }
            try AuditTrail.append(
                db, at: now, actor: actor, action: "client.recorded", client: client,
                details: ["idp": identityProvider.name, "clientId": client.clientId,
                          "environments": environments.joined(separator: ","), "secrets": String(remote.secrets.count)])
            return client
        }
    }

    /// Puts a client into an environment, or takes it out.
    public func setMembership(client reference: String, environment name: String, member: Bool, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let client = try Self.resolveClient(db, reference)
            let environment = try Self.environment(db, named: name)
            let membership = ClientMembership(clientRowId: client.id!, environmentId: environment.id!)
            let exists = try membership.exists(db)
            guard exists != member else { return }
            if member { try membership.insert(db) } else { _ = try membership.delete(db) }
            try AuditTrail.append(
                db, at: now, actor: actor, action: member ? "client.joined-environment" : "client.left-environment",
                client: client, details: ["environment": environment.name])
        }
    }
}
