import Foundation

extension Registry {
    /// One row per client with what a list shows, in the column order `clients(matching:)` and `ClientListRow`
    /// read: id, name, client id, owner, IdP, environments (joined with `environmentSeparator`), secrets in
    /// service, soonest expiry.
    static func clientSummarySQL(_ dialect: StoreDialect) -> String {
        """
        SELECT c.id, c.displayName, c.clientId, c.ownerTeam, i.name AS idp,
          (SELECT \(dialect.groupConcat("e.name", separator: "\u{1F}")) FROM
             (SELECT e.name FROM clientEnvironment ce JOIN environment e ON e.id = ce.environmentId
              WHERE ce.clientRowId = c.id ORDER BY e.position, e.id) e) AS environments,
          (SELECT count(*) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS activeSecrets,
          (SELECT min(s.expiresAt) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS nextExpiry
        FROM client c JOIN identityProvider i ON i.id = c.identityProviderId
        """
    }

    /// Clients matching `filter` (substring of name, client id or owner; environment; IdP), by name.
    public func clients(matching filter: ClientFilter = ClientFilter(), limit: Int? = nil) throws -> [ClientSummary] {
        try read { transaction in
            let (sql, arguments) = try Self.clientSummaryQuery(transaction, matching: filter, limit: limit)
            // Column positions (the order of clientSummarySQL): at 100k clients, looking columns up by name cost as
            // much as the query.
            var summaries: [ClientSummary] = []
            try transaction.forEachRow(sql, arguments) { row in
                summaries.append(ClientSummary(
                    id: try row.int64(0), displayName: try row.string(1), clientId: try row.string(2),
                    identityProvider: try row.string(4),
                    environments: try row.optionalString(5).map { $0.split(separator: "\u{1F}").map(String.init) } ?? [],
                    ownerTeam: try row.optionalString(3), activeSecrets: try row.int(6), nextExpiry: try row.optionalDate(7)))
            }
            return summaries
        }
    }

    /// What `clientSummarySQL` joins a client's environment names with (char(31)).
    static let environmentSeparator = UInt8(0x1F)

    /// The clients `clients(matching:limit:)` would return, in the same order, each lent to `body` as it is read.
    public func forEachClientListRow(
        matching filter: ClientFilter = ClientFilter(), limit: Int? = nil, _ body: (ClientListRow) throws -> Void
    ) throws {
        try read { transaction in
            let (sql, arguments) = try Self.clientSummaryQuery(transaction, matching: filter, limit: limit)
            try transaction.forEachRow(sql, arguments) { row in try body(ClientListRow(row: row)) }
        }
    }

    /// `clientSummarySQL` narrowed by `filter`, by name; an unknown environment or IdP throws, naming it.
    static func clientSummaryQuery(
        _ transaction: StoreTransaction, matching filter: ClientFilter, limit: Int?
    ) throws -> (String, [StoreValue]) {
        let dialect = transaction.dialect
        var conditions: [String] = []
        var arguments: [StoreValue] = []
        if let text = filter.text, !text.isEmpty {
            let like = dialect.caseInsensitiveLike
            conditions.append(
                "(c.displayName \(like) ? ESCAPE '\\' OR c.clientId \(like) ? ESCAPE '\\' OR c.ownerTeam \(like) ? ESCAPE '\\')")
            let pattern = StoreValue.text("%" + Self.escapeLike(text) + "%")
            arguments += [pattern, pattern, pattern]
        }
        if let name = filter.environment {
            let environment = try Self.environment(transaction, named: name)
            conditions.append("c.id IN (SELECT clientRowId FROM clientEnvironment WHERE environmentId = ?)")
            arguments.append(.integer(environment.id!))
        }
        if let name = filter.identityProvider {
            conditions.append(dialect.matchingName("i.name"))
            arguments.append(.text(name))
            if try transaction.count(IdentityProvider.table, "WHERE \(dialect.matchingName("name"))", [.text(name)]) == 0 {
                throw ClienteleError.notFound("no identity provider '\(name)'")
            }
        }
        var sql = Self.clientSummarySQL(dialect)
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY \(dialect.caseInsensitive("c.displayName")), c.id"
        if let limit { sql += " LIMIT \(limit)" }
        return (sql, arguments)
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    public func clientCount() throws -> Int { try read { transaction in try transaction.count(Client.table) } }

    /// The client with this registry row id.
    func client(rowId: Int64) throws -> Client {
        guard let client = try read({ transaction in try transaction.record(Client.self, id: rowId) }) else {
            throw ClienteleError.notFound("no client #\(rowId)")
        }
        return client
    }

    /// The client an IdP issued with this client id, if the registry records it.
    func client(identityProviderId: Int64, clientId: String) throws -> Client? {
        try read { transaction in
            try transaction.record(Client.self, "WHERE identityProviderId = ? AND clientId = ?",
                                   [.integer(identityProviderId), .text(clientId)])
        }
    }

    /// Resolves what an operator typed: a registry id (`12` or `#12`), a client id, or a display name. An
    /// ambiguous name lists its matches; an unknown one suggests near names.
    public func resolveClient(_ reference: String) throws -> Client {
        try read { transaction in try Self.resolveClient(transaction, reference) }
    }

    static func resolveClient(_ transaction: StoreTransaction, _ reference: String) throws -> Client {
        let dialect = transaction.dialect
        let text = reference.trimmingCharacters(in: .whitespaces)
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        if let rowId = Int64(digits), let client = try transaction.record(Client.self, id: rowId) { return client }
        let byClientId = try transaction.records(Client.self, "WHERE clientId = ? ORDER BY id", [.text(text)])
        if byClientId.count == 1 { return byClientId[0] }
        let byName = byClientId.isEmpty
            ? try transaction.records(Client.self, "WHERE \(dialect.matchingName("displayName")) ORDER BY id", [.text(text)])
            : byClientId
        if byName.count == 1 { return byName[0] }
        if byName.count > 1 {
            let idps = try Dictionary(uniqueKeysWithValues: transaction.records(IdentityProvider.self).map { ($0.id!, $0.name) })
            let listed = byName.prefix(10).map { "#\($0.id!) (\(idps[$0.identityProviderId] ?? "?"), \($0.clientId))" }
            throw ClienteleError.ambiguous(
                "client '\(text)' matches \(byName.count) clients: \(listed.joined(separator: ", ")); name one by #id or client id")
        }
        let near = try transaction.fetchAll(
            """
            SELECT displayName FROM client WHERE displayName \(dialect.caseInsensitiveLike) ? ESCAPE '\\'
            ORDER BY \(dialect.caseInsensitive("displayName")), id LIMIT 3
            """,
            [.text("%" + escapeLike(String(text.prefix(4))) + "%")]) { try $0.string(0) }
        throw ClienteleError.notFound(
            "no client '\(text)'" + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: ", "))?"))
    }

    public func clientDetail(_ clientRowId: Int64, recentEventLimit: Int = 10) throws -> ClientDetail {
        try read { transaction in
            guard let client = try transaction.record(Client.self, id: clientRowId) else {
                throw ClienteleError.notFound("no client #\(clientRowId)")
            }
            let idp = try transaction.record(IdentityProvider.self, id: client.identityProviderId)!
            // Secrets in use first, then by expiry, latest first (one that never expires after those that do).
            let secrets = try transaction.records(
                SecretMetadata.self,
                "WHERE clientRowId = ? ORDER BY state = 'removed', expiresAt IS NULL, expiresAt DESC, id",
                [.integer(clientRowId)])
            let environments = try transaction.records(
                Environment.self,
                "WHERE id IN (SELECT environmentId FROM clientEnvironment WHERE clientRowId = ?) "
                    + Self.environmentDisplayOrder(transaction.dialect),
                [.integer(clientRowId)])
            let policies = try Self.effectivePolicies(transaction, environments: environments)
            let rotations = try transaction.records(
                Rotation.self, "WHERE clientRowId = ? ORDER BY id DESC LIMIT 5", [.integer(clientRowId)])
            // By row id, not by name: display names are not unique, and twins must not see each other's history.
            let events = try auditEvents(transaction, aboutClient: clientRowId, limit: recentEventLimit)
            return ClientDetail(client: client, identityProvider: idp, secrets: secrets, environments: environments,
                                policies: policies, rotations: rotations, recentEvents: events,
                                gatewayApps: try Self.gatewayApps(transaction, ofClient: clientRowId),
                                access: try Self.access(transaction, ofClient: clientRowId))
        }
    }

    /// A client's membership in an environment, as one row of `clientEnvironment`.
    static let insertMembershipSQL = "INSERT INTO clientEnvironment(clientRowId, environmentId) VALUES (?, ?)"

    /// Records a client found at or registered with an IdP, with its secrets and environment memberships.
    @discardableResult
    public func recordClient(
        _ remote: RemoteClient, identityProvider: IdentityProvider, environments: [String], ownerTeam: String? = nil,
        contact: String? = nil, origin: SecretOrigin, actor: String
    ) throws -> Client {
        let now = clock.now
        return try write { transaction in
            let environmentIds = try environments.map { try Self.environment(transaction, named: $0).id! }
            var client = Client(
                identityProviderId: identityProvider.id!, displayName: remote.displayName, clientId: remote.clientId,
                objectId: remote.objectId, ownerTeam: ownerTeam, contact: contact, createdAt: now, updatedAt: now)
            try transaction.insert(&client)
            for environmentId in environmentIds {
                try transaction.execute(Self.insertMembershipSQL, client.id!, environmentId)
            }
            for secret in remote.secrets {
                var metadata = SecretMetadata(
                    clientRowId: client.id!, keyId: secret.keyId, hint: secret.hint, displayName: secret.displayName,
                    createdAt: secret.createdAt, expiresAt: secret.expiresAt, state: .active, origin: origin)
                try transaction.insert(&metadata)
            }
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "client.recorded", client: client,
                details: ["idp": identityProvider.name, "clientId": client.clientId,
                          "environments": environments.joined(separator: ","), "secrets": String(remote.secrets.count)])
            return client
        }
    }

    /// A rotation that has not reached an end (`Rotation.open()`), as a condition on `rotation`'s columns.
    static let rotationInProgress = "step NOT IN ('done', 'failed')"

    /// Whether a rotation of this client is under way.
    func hasRotationInProgress(clientRowId: Int64) throws -> Bool {
        try read { transaction in
            try transaction.count(Rotation.table, "WHERE clientRowId = ? AND \(Self.rotationInProgress)",
                                  [.integer(clientRowId)]) > 0
        }
    }

    /// Forgets a client deleted at its IdP (its rotations and secret metadata go with it; the audit trail keeps
    /// the record).
    func recordClientDeleted(_ client: Client, identityProvider: IdentityProvider, actor: String) throws {
        let now = clock.now
        try write { transaction in
            try transaction.delete(Client.self, id: client.id!)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "client.deleted", client: client,
                details: ["idp": identityProvider.name, "clientId": client.clientId])
        }
    }

    /// Puts a client into an environment, or takes it out.
    public func setMembership(client reference: String, environment name: String, member: Bool, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let client = try Self.resolveClient(transaction, reference)
            let environment = try Self.environment(transaction, named: name)
            let arguments: [StoreValue] = [.integer(client.id!), .integer(environment.id!)]
            let exists = try transaction.count("clientEnvironment", "WHERE clientRowId = ? AND environmentId = ?", arguments) > 0
            guard exists != member else { return }
            if member {
                try transaction.execute(Self.insertMembershipSQL, arguments)
            } else {
                try transaction.execute("DELETE FROM clientEnvironment WHERE clientRowId = ? AND environmentId = ?", arguments)
            }
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: member ? "client.joined-environment" : "client.left-environment",
                client: client, details: ["environment": environment.name])
        }
    }
}
