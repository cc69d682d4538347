import Foundation

extension Registry {
    /// Per recorded app of the gateway (by remote id), the client id it was last linked to an IdP client by.
    static func linkedClientIds(_ transaction: StoreTransaction, gatewayId: Int64) throws -> [String: String] {
        Dictionary(
            try transaction.fetchAll(
                "SELECT remoteId, linkedClientId FROM gatewayApp WHERE gatewayId = ? AND linkedClientId IS NOT NULL",
                [.integer(gatewayId)]) { (try $0.string(0), try $0.string(1)) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The registry's side of a gateway's client apps, for the apps' client ids (one read).
    func gatewayAppContext(_ gateway: Gateway, clientIds: Set<String>) throws -> GatewayAppContext {
        try read { transaction in try GatewayAppContext.read(transaction, gateway: gateway, clientIds: clientIds) }
    }

    /// Replaces a gateway's recorded apps with these (links, environments and findings with them), and says which
    /// appeared and which went. Only what changed is written: a gateway of thousands of apps that did not move
    /// costs one statement (the read time), not one record encoding per app (profiled on 5,000 Kong consumers,
    /// where saving every record was half of `gateway drift`).
    @discardableResult
    func recordGatewayApps(_ apps: [LinkedGatewayApp], at gateway: Gateway, checkedAt: Date?, actor: String) throws
        -> (found: [String], gone: [String])
    {
        let now = clock.now
        let gatewayId = gateway.id!
        return try write { transaction in
            var existing: [String: (id: Int64, name: String, kind: String, app: String, findings: String, linked: String?)] = [:]
            try transaction.forEachRow(
                "SELECT id, remoteId, name, kind, app, findings, linkedClientId FROM gatewayApp WHERE gatewayId = ?",
                [.integer(gatewayId)]
            ) { row in
                existing[try row.string(1)] = (try row.int64(0), try row.string(2), try row.string(3), try row.string(4),
                                               try row.string(5), try row.optionalString(6))
            }
            var links: [Int64: Set<String>] = [:]
            try transaction.forEachRow(
                """
                SELECT gatewayAppClient.gatewayAppId, gatewayAppClient.role, gatewayAppClient.clientRowId
                FROM gatewayAppClient JOIN gatewayApp ON gatewayApp.id = gatewayAppClient.gatewayAppId
                WHERE gatewayApp.gatewayId = ?
                UNION ALL
                SELECT gatewayAppEnvironment.gatewayAppId, 'environment', gatewayAppEnvironment.environmentId
                FROM gatewayAppEnvironment JOIN gatewayApp ON gatewayApp.id = gatewayAppEnvironment.gatewayAppId
                WHERE gatewayApp.gatewayId = ?
                """, [.integer(gatewayId), .integer(gatewayId)]
            ) { row in
                links[try row.int64(0), default: []].insert("\(try row.string(1)):\(try row.int64(2))")
            }
            let incoming = Set(apps.map(\.app.remoteId))
            let gone = existing.filter { !incoming.contains($0.key) }.map(\.value)
            for record in gone { try transaction.execute("DELETE FROM gatewayApp WHERE id = ?", record.id) }
            var found: [String] = []
            for linked in apps {
                let appValue = try StoredJSON.value(linked.app)
                let findingsValue = try StoredJSON.value(linked.findings)
                let id: Int64
                if let known = existing[linked.app.remoteId] {
                    id = known.id
                    if appValue != .text(known.app) || findingsValue != .text(known.findings)
                        || known.linked != linked.linkedClientId
                    {
                        try transaction.execute(
                            "UPDATE gatewayApp SET kind = ?, name = ?, app = ?, findings = ?, linkedClientId = ? WHERE id = ?",
                            [linked.app.kind.storeValue, .text(linked.app.name), appValue, findingsValue,
                             linked.linkedClientId.storeValue, .integer(id)])
                    }
                } else {
                    id = try transaction.insertReturningId(
                        """
                        INSERT INTO gatewayApp (gatewayId, remoteId, kind, name, app, findings, linkedClientId, checkedAt, syncedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                        """,
                        [.integer(gatewayId), .text(linked.app.remoteId), linked.app.kind.storeValue,
                         .text(linked.app.name), appValue, findingsValue, linked.linkedClientId.storeValue,
                         checkedAt.storeValue, .date(now)])
                    found.append("\(linked.app.kind.label) \(linked.app.name)")
                }
                let holders = linked.holders.filter { $0.id != linked.linked?.id }
                var wanted = Set(linked.environmentIds.map { "environment:\($0)" })
                if let client = linked.linked { wanted.insert("\(GatewayAppClient.Role.linked.rawValue):\(client.id!)") }
                for holder in holders { wanted.insert("\(GatewayAppClient.Role.holder.rawValue):\(holder.id!)") }
                guard links[id] ?? [] != wanted else { continue }
                try transaction.execute("DELETE FROM gatewayAppClient WHERE gatewayAppId = ?", id)
                try transaction.execute("DELETE FROM gatewayAppEnvironment WHERE gatewayAppId = ?", id)
                if let client = linked.linked { try Self.link(transaction, app: id, to: client, as: .linked) }
                for holder in holders { try Self.link(transaction, app: id, to: holder, as: .holder) }
                for environmentId in linked.environmentIds {
                    try transaction.execute(
                        "INSERT INTO gatewayAppEnvironment (gatewayAppId, environmentId) VALUES (?, ?)", id, environmentId)
                }
            }
            if let checkedAt {
                try transaction.execute(
                    "UPDATE gatewayApp SET syncedAt = ?, checkedAt = ? WHERE gatewayId = ?", now, checkedAt, gatewayId)
            } else {
                try transaction.execute("UPDATE gatewayApp SET syncedAt = ? WHERE gatewayId = ?", now, gatewayId)
            }
            if !found.isEmpty || !gone.isEmpty {
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "gateway.apps-synced", subject: "gateway \(gateway.name)",
                    details: ["apps": String(apps.count), "found": String(found.count), "gone": String(gone.count)])
            }
            let kinds = Dictionary(uniqueKeysWithValues: GatewayAppKind.allCases.map { ($0.rawValue, $0.label) })
            return (found, gone.map { "\(kinds[$0.kind] ?? $0.kind) \($0.name)" })
        }
    }

    private static func link(
        _ transaction: StoreTransaction, app: Int64, to client: Client, as role: GatewayAppClient.Role
    ) throws {
        try transaction.execute(
            "INSERT INTO gatewayAppClient (gatewayAppId, clientRowId, role) VALUES (?, ?, ?)",
            [.integer(app), .integer(client.id!), role.storeValue])
    }

    /// A gateway's recorded apps, in the order they are listed.
    private static func recordedApps(_ transaction: StoreTransaction, of gateway: Gateway) throws -> [GatewayApp] {
        try transaction.records(
            GatewayApp.self, "WHERE gatewayId = ? ORDER BY \(transaction.dialect.caseInsensitive("name")), id",
            [.integer(gateway.id!)])
    }

    /// The names of the environments an app is in, in display order.
    private static func environmentNames(_ transaction: StoreTransaction, ofApp appId: Int64) throws -> [String] {
        try transaction.strings(
            """
            SELECT environment.name FROM environment
            JOIN gatewayAppEnvironment ON gatewayAppEnvironment.environmentId = environment.id
            WHERE gatewayAppEnvironment.gatewayAppId = ? ORDER BY \(Environment.displayOrder(transaction.dialect, table: "environment"))
            """, appId)
    }

    /// The client side of drift as last recorded (by `gateway sync` or `gateway drift`), for every gateway or one:
    /// no network.
    public func recordedGatewayAppDifferences(gateway only: Gateway? = nil) throws -> [GatewayAppDifference] {
        try read { transaction in
            var differences: [GatewayAppDifference] = []
            for gateway in try Self.gateways(transaction) where only == nil || only?.id == gateway.id {
                let apps = try Self.recordedApps(transaction, of: gateway)
                let context = try GatewayAppContext.read(
                    transaction, gateway: gateway, clientIds: Set(apps.flatMap(\.app.clientIds)))
                var recorded: [LinkedGatewayApp] = []
                for app in apps {
                    let roleColumn = Client.columns.count
                    let clients = try transaction.fetchAll(
                        """
                        SELECT \(Client.selection(as: "client")), gatewayAppClient.role FROM client
                        JOIN gatewayAppClient ON gatewayAppClient.clientRowId = client.id
                        WHERE gatewayAppClient.gatewayAppId = ? ORDER BY client.id
                        """, [.integer(app.id!)]
                    ) { (try Client(row: $0), try $0.value(roleColumn, as: GatewayAppClient.Role.self)) }
                    let environmentIds = try transaction.int64s(
                        "SELECT environmentId FROM gatewayAppEnvironment WHERE gatewayAppId = ? ORDER BY environmentId",
                        app.id!)
                    recorded.append(LinkedGatewayApp(
                        app: app.app, linked: clients.first { $0.1 == .linked }?.0,
                        linkedClientId: app.linkedClientId,
                        holders: clients.filter { $0.1 == .holder }.map(\.0),
                        environmentIds: environmentIds, findings: app.findings))
                }
                differences += context.differences(recorded)
            }
            return differences
        }
    }

    /// A client's gateway apps (linked to it by client id, or holding its secrets), for its page.
    public func gatewayApps(ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        try read { transaction in try Self.gatewayApps(transaction, ofClient: clientRowId) }
    }

    static func gatewayApps(_ transaction: StoreTransaction, ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        let d = transaction.dialect
        let roleColumn = GatewayApp.columns.count
        let rows = try transaction.fetchAll(
            """
            SELECT \(GatewayApp.selection(as: "gatewayApp")), gatewayAppClient.role, gateway.name FROM gatewayApp
            JOIN gatewayAppClient ON gatewayAppClient.gatewayAppId = gatewayApp.id
            JOIN gateway ON gateway.id = gatewayApp.gatewayId
            WHERE gatewayAppClient.clientRowId = ?
            ORDER BY \(d.caseInsensitive("gateway.name")), \(d.caseInsensitive("gatewayApp.name")), gatewayApp.id
            """, [.integer(clientRowId)]
        ) { row in
            (app: try GatewayApp(row: row), role: try row.value(roleColumn, as: GatewayAppClient.Role.self),
             gateway: try row.string(roleColumn + 1))
        }
        return try rows.map { row in
            ClientGatewayApp(
                gateway: row.gateway, app: "\(row.app.kind.label) \(row.app.name)", holdsSecrets: row.role == .holder,
                showsSecretCopy: row.app.app.showsSecretCopy,
                environments: try environmentNames(transaction, ofApp: row.app.id!),
                credentials: row.app.app.credentials, contracts: row.app.app.contracts.count,
                findings: row.app.findings, checkedAt: row.app.checkedAt, syncedAt: row.app.syncedAt)
        }
    }

    /// The gateway apps that show a copy of this IdP client's secret: a rotation at the IdP leaves them behind.
    public func appsShowingSecretCopy(ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        try gatewayApps(ofClient: clientRowId).filter { !$0.holdsSecrets && $0.showsSecretCopy }
    }
}

// MARK: - What the registry grants

extension Registry {
    /// The APIs a client may call, by environment name.
    public func access(ofClient clientRowId: Int64) throws -> [ClientAPIAccess] {
        try read { transaction in try Self.access(transaction, ofClient: clientRowId) }
    }

    static func access(_ transaction: StoreTransaction, ofClient clientRowId: Int64) throws -> [ClientAPIAccess] {
        let d = transaction.dialect
        return try transaction.fetchAll(
            """
            SELECT environment.name, clientAccess.api FROM clientAccess
            JOIN environment ON environment.id = clientAccess.environmentId
            WHERE clientAccess.clientRowId = ?
            ORDER BY \(Environment.displayOrder(d, table: "environment")), \(d.caseInsensitive("clientAccess.api")), clientAccess.api
            """, [.integer(clientRowId)]
        ) { ClientAPIAccess(environment: try $0.string(0), api: try $0.string(1)) }
    }

    /// Gives a client an API of an environment (idempotent); the API must be one the environment's gateway has.
    public func grantAccess(client reference: String, environment name: String, api: String, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let client = try Self.resolveClient(transaction, reference)
            let environment = try Self.environment(transaction, named: name)
            let known = try Self.apiNames(transaction, environmentId: environment.id!)
            guard known.contains(api) else {
                throw ClienteleError.invalidInput(
                    "--api \(api): environment \(environment.name) has no API of that name"
                        + (known.isEmpty ? " (run `clientele gateway sync` to import its APIs)" : "; known: \(known.prefix(8).joined(separator: ", "))"))
            }
            try Self.grant(transaction, client: client, environment: environment, api: api, at: now, actor: actor, from: nil)
        }
    }

    public func revokeAccess(client reference: String, environment name: String, api: String, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let client = try Self.resolveClient(transaction, reference)
            let environment = try Self.environment(transaction, named: name)
            guard try Self.revoke(transaction, client: client, environmentId: environment.id!, api: api, at: now,
                                  actor: actor, from: nil)
            else {
                throw ClienteleError.notFound("client \(client.displayName) has no access to \(api) in \(environment.name)")
            }
        }
    }

    /// Takes the gateway's contracts into the registry: what an app may call is granted, what it may not is revoked.
    func adoptContracts(_ apps: [LinkedGatewayApp], at gateway: Gateway, actor: String) throws -> [String] {
        let now = clock.now
        return try write { transaction in
            var adopted: [String] = []
            for app in apps {
                guard let grantee = app.grantee else { continue }
                for finding in app.findings {
                    guard let environmentId = finding.environmentId, let api = finding.api,
                        let environment = try transaction.record(Environment.self, id: environmentId)
                    else { continue }
                    switch finding.kind {
                    case .contractNotInRegistry:
                        try Self.grant(transaction, client: grantee, environment: environment, api: api, at: now, actor: actor, from: gateway)
                        adopted.append("\(grantee.displayName) may call \(api) in \(environment.name)")
                    case .contractMissingAtGateway:
                        _ = try Self.revoke(transaction, client: grantee, environmentId: environmentId, api: api, at: now, actor: actor, from: gateway)
                        adopted.append("\(grantee.displayName) no longer calls \(api) in \(environment.name)")
                    default:
                        continue
                    }
                }
            }
            return adopted
        }
    }

    private static func grant(_ transaction: StoreTransaction, client: Client, environment: Environment, api: String,
                              at now: Date, actor: String, from gateway: Gateway?) throws
    {
        // Granting what is already granted changes nothing and says nothing.
        guard try transaction.execute(
            """
            INSERT INTO clientAccess (clientRowId, environmentId, api, grantedAt) VALUES (?, ?, ?, ?)
            ON CONFLICT (clientRowId, environmentId, api) DO NOTHING
            """, client.id!, environment.id!, api, now) == 1
        else { return }
        var details = ["environment": environment.name, "api": api]
        if let gateway { details["adoptedFrom"] = gateway.name }
        try AuditTrail.append(transaction, at: now, actor: actor, action: "client.access-granted", client: client, details: details)
    }

    private static func revoke(_ transaction: StoreTransaction, client: Client, environmentId: Int64, api: String,
                               at now: Date, actor: String, from gateway: Gateway?) throws -> Bool
    {
        let deleted = try transaction.execute(
            "DELETE FROM clientAccess WHERE clientRowId = ? AND environmentId = ? AND api = ?",
            client.id!, environmentId, api)
        guard deleted > 0 else { return false }
        var details = ["environmentId": String(environmentId), "api": api]
        if let gateway { details["adoptedFrom"] = gateway.name }
        try AuditTrail.append(transaction, at: now, actor: actor, action: "client.access-revoked", client: client, details: details)
        return true
    }
}

// MARK: - The recorded apps, for `gateway apps`

/// One recorded app with who it stands for, for `gateway apps`.
public struct GatewayAppListing: Codable, Sendable, Hashable {
    public var gateway: String
    public var app: RemoteGatewayApp
    /// The IdP client it is linked to by client id.
    public var linkedClient: String?
    /// The clients under the gateway's holder that carry its own secrets.
    public var heldSecretsOf: [String]
    public var environments: [String]
    public var findings: [GatewayAppFinding]
    public var checkedAt: Date?
    public var syncedAt: Date
}

extension Registry {
    public func gatewayAppListings(gateway only: String? = nil) throws -> [GatewayAppListing] {
        let wanted = try only.map { try gateway(named: $0) }
        return try read { transaction in
            let d = transaction.dialect
            var listings: [GatewayAppListing] = []
            for gateway in try Self.gateways(transaction) where wanted == nil || wanted?.id == gateway.id {
                for app in try Self.recordedApps(transaction, of: gateway) {
                    let links = try transaction.fetchAll(
                        """
                        SELECT client.displayName, gatewayAppClient.role FROM gatewayAppClient
                        JOIN client ON client.id = gatewayAppClient.clientRowId
                        WHERE gatewayAppClient.gatewayAppId = ? ORDER BY \(d.caseInsensitive("client.displayName")), client.id
                        """, [.integer(app.id!)]
                    ) { (name: try $0.string(0), role: try $0.value(1, as: GatewayAppClient.Role.self)) }
                    listings.append(GatewayAppListing(
                        gateway: gateway.name, app: app.app,
                        linkedClient: links.first { $0.role == .linked }?.name,
                        heldSecretsOf: links.filter { $0.role == .holder }.map(\.name),
                        environments: try Self.environmentNames(transaction, ofApp: app.id!), findings: app.findings,
                        checkedAt: app.checkedAt, syncedAt: app.syncedAt))
                }
            }
            return listings
        }
    }
}
