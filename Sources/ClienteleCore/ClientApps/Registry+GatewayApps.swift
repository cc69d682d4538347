import Foundation
import GRDB

extension Registry {
    /// Per recorded app of the gateway (by remote id), the client id it was last linked to an IdP client by.
    static func linkedClientIds(_ db: Database, gatewayId: Int64) throws -> [String: String] {
        Dictionary(
            try Row.fetchAll(db, sql: "SELECT remoteId, linkedClientId FROM gatewayApp WHERE gatewayId = ? AND linkedClientId IS NOT NULL",
                             arguments: [gatewayId]).map { ($0[0] as String, $0[1] as String) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The registry's side of a gateway's client apps, for the apps' client ids (one read).
    func gatewayAppContext(_ gateway: Gateway, clientIds: Set<String>) throws -> GatewayAppContext {
        try sqliteRead { db in try GatewayAppContext.read(db, gateway: gateway, clientIds: clientIds) }
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
        let appEncoder = GatewayApp.databaseJSONEncoder(for: "app")
        let findingsEncoder = GatewayApp.databaseJSONEncoder(for: "findings")
        return try sqliteWrite { db in
            var existing: [String: (id: Int64, name: String, kind: String, app: String, findings: String, linked: String?)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, remoteId, name, kind, app, findings, linkedClientId FROM gatewayApp WHERE gatewayId = ?",
                arguments: [gateway.id!])
            {
                existing[row[1]] = (row[0], row[2], row[3], row[4], row[5], row[6])
            }
            var links: [Int64: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT gatewayAppClient.gatewayAppId, gatewayAppClient.role || ':' || gatewayAppClient.clientRowId
                FROM gatewayAppClient JOIN gatewayApp ON gatewayApp.id = gatewayAppClient.gatewayAppId
                WHERE gatewayApp.gatewayId = ?
                UNION ALL
                SELECT gatewayAppEnvironment.gatewayAppId, 'environment:' || gatewayAppEnvironment.environmentId
                FROM gatewayAppEnvironment JOIN gatewayApp ON gatewayApp.id = gatewayAppEnvironment.gatewayAppId
                WHERE gatewayApp.gatewayId = ?
                """, arguments: [gateway.id!, gateway.id!])
            {
                links[row[0], default: []].insert(row[1])
            }
            let incoming = Set(apps.map(\.app.remoteId))
            let gone = existing.filter { !incoming.contains($0.key) }.map(\.value)
            for record in gone { try db.execute(sql: "DELETE FROM gatewayApp WHERE id = ?", arguments: [record.id]) }
            var found: [String] = []
            for linked in apps {
                let appText = String(decoding: try appEncoder.encode(linked.app), as: UTF8.self)
                let findingsText = String(decoding: try findingsEncoder.encode(linked.findings), as: UTF8.self)
                let id: Int64
                if let known = existing[linked.app.remoteId] {
                    id = known.id
                    if known.app != appText || known.findings != findingsText || known.linked != linked.linkedClientId {
                        try db.cachedStatement(sql: """
                            UPDATE gatewayApp SET kind = ?, name = ?, app = ?, findings = ?, linkedClientId = ? WHERE id = ?
                            """).execute(arguments: [linked.app.kind.rawValue, linked.app.name, appText, findingsText,
                                                     linked.linkedClientId, id])
                    }
                } else {
                    try db.cachedStatement(sql: """
                        INSERT INTO gatewayApp (gatewayId, remoteId, kind, name, app, findings, linkedClientId, checkedAt, syncedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [gateway.id!, linked.app.remoteId, linked.app.kind.rawValue, linked.app.name,
                                                 appText, findingsText, linked.linkedClientId, checkedAt, now])
                    id = db.lastInsertedRowID
                    found.append("\(linked.app.kind.label) \(linked.app.name)")
                }
                var wanted = Set(linked.environmentIds.map { "environment:\($0)" })
                if let client = linked.linked { wanted.insert("linked:\(client.id!)") }
                for holder in linked.holders where holder.id != linked.linked?.id { wanted.insert("holder:\(holder.id!)") }
                guard links[id] ?? [] != wanted else { continue }
                try db.execute(sql: "DELETE FROM gatewayAppClient WHERE gatewayAppId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM gatewayAppEnvironment WHERE gatewayAppId = ?", arguments: [id])
                if let client = linked.linked {
                    try GatewayAppClient(gatewayAppId: id, clientRowId: client.id!, role: .linked).insert(db)
                }
                for holder in linked.holders where holder.id != linked.linked?.id {
                    try GatewayAppClient(gatewayAppId: id, clientRowId: holder.id!, role: .holder).insert(db)
                }
                for environmentId in linked.environmentIds {
                    try GatewayAppEnvironment(gatewayAppId: id, environmentId: environmentId).insert(db)
                }
            }
            try db.execute(
                sql: "UPDATE gatewayApp SET syncedAt = ?, checkedAt = COALESCE(?, checkedAt) WHERE gatewayId = ?",
                arguments: [now, checkedAt, gateway.id!])
            if !found.isEmpty || !gone.isEmpty {
                try AuditTrail.append(
                    db, at: now, actor: actor, action: "gateway.apps-synced", subject: "gateway \(gateway.name)",
                    details: ["apps": String(apps.count), "found": String(found.count), "gone": String(gone.count)])
            }
            let kinds = Dictionary(uniqueKeysWithValues: GatewayAppKind.allCases.map { ($0.rawValue, $0.label) })
            return (found, gone.map { "\(kinds[$0.kind] ?? $0.kind) \($0.name)" })
        }
    }

    /// The client side of drift as last recorded (by `gateway sync` or `gateway drift`), for every gateway or one:
    /// no network.
    public func recordedGatewayAppDifferences(gateway only: Gateway? = nil) throws -> [GatewayAppDifference] {
        try sqliteRead { db in
            var differences: [GatewayAppDifference] = []
            for gateway in try Gateway.order(Column("name").collating(.nocase)).fetchAll(db)
            where only == nil || only?.id == gateway.id {
                let apps = try GatewayApp.filter(Column("gatewayId") == gateway.id!).order(Column("name")).fetchAll(db)
                let context = try GatewayAppContext.read(db, gateway: gateway, clientIds: Set(apps.flatMap(\.app.clientIds)))
                var recorded: [LinkedGatewayApp] = []
                for app in apps {
                    let links = try Row.fetchAll(db, sql: """
                        SELECT client.*, gatewayAppClient.role AS linkRole FROM client
                        JOIN gatewayAppClient ON gatewayAppClient.clientRowId = client.id
                        WHERE gatewayAppClient.gatewayAppId = ? ORDER BY client.id
                        """, arguments: [app.id!])
                    let clients = try links.map { (try Client(row: $0), $0["linkRole"] as String) }
                    let environmentIds = try Int64.fetchAll(
                        db, sql: "SELECT environmentId FROM gatewayAppEnvironment WHERE gatewayAppId = ?",
                        arguments: [app.id!])
                    recorded.append(LinkedGatewayApp(
                        app: app.app, linked: clients.first { $0.1 == GatewayAppClient.Role.linked.rawValue }?.0,
                        linkedClientId: app.linkedClientId,
                        holders: clients.filter { $0.1 == GatewayAppClient.Role.holder.rawValue }.map(\.0),
                        environmentIds: environmentIds, findings: app.findings))
                }
                differences += context.differences(recorded)
            }
            return differences
        }
    }

    /// A client's gateway apps (linked to it by client id, or holding its secrets), for its page.
    public func gatewayApps(ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        try sqliteRead { db in try Self.gatewayApps(db, ofClient: clientRowId) }
    }

    static func gatewayApps(_ db: Database, ofClient clientRowId: Int64) throws -> [ClientGatewayApp] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT gatewayApp.id, gatewayAppClient.role, gateway.name AS gatewayName FROM gatewayApp
            JOIN gatewayAppClient ON gatewayAppClient.gatewayAppId = gatewayApp.id
            JOIN gateway ON gateway.id = gatewayApp.gatewayId
            WHERE gatewayAppClient.clientRowId = ? ORDER BY gateway.name, gatewayApp.name
            """, arguments: [clientRowId])
        return try rows.compactMap { row -> ClientGatewayApp? in
            guard let app = try GatewayApp.fetchOne(db, key: row["id"] as Int64) else { return nil }
            let environments = try String.fetchAll(db, sql: """
                SELECT environment.name FROM environment
                JOIN gatewayAppEnvironment ON gatewayAppEnvironment.environmentId = environment.id
                WHERE gatewayAppEnvironment.gatewayAppId = ? ORDER BY environment.position, environment.name
                """, arguments: [app.id!])
            return ClientGatewayApp(
                gateway: row["gatewayName"], app: "\(app.kind.label) \(app.name)",
                holdsSecrets: (row["role"] as String) == GatewayAppClient.Role.holder.rawValue,
                showsSecretCopy: app.app.showsSecretCopy, environments: environments,
                credentials: app.app.credentials, contracts: app.app.contracts.count,
                findings: app.findings, checkedAt: app.checkedAt, syncedAt: app.syncedAt)
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
        try sqliteRead { db in try Self.access(db, ofClient: clientRowId) }
    }

    static func access(_ db: Database, ofClient clientRowId: Int64) throws -> [ClientAPIAccess] {
            try Row.fetchAll(db, sql: """
                SELECT environment.name, clientAccess.api FROM clientAccess
                JOIN environment ON environment.id = clientAccess.environmentId
                WHERE clientAccess.clientRowId = ? ORDER BY environment.position, environment.name, clientAccess.api
                """, arguments: [clientRowId]).map { ClientAPIAccess(environment: $0[0], api: $0[1]) }
    }

    /// Gives a client an API of an environment (idempotent); the API must be one the environment's gateway has.
    public func grantAccess(client reference: String, environment name: String, api: String, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let client = try Self.resolveClient(db, reference)
            let environment = try Self.environment(db, named: name)
            let known = try String.fetchAll(
                db, sql: "SELECT name FROM gatewayApi WHERE environmentId = ? ORDER BY name", arguments: [environment.id])
            guard known.contains(api) else {
                throw ClienteleError.invalidInput(
                    "--api \(api): environment \(environment.name) has no API of that name"
                        + (known.isEmpty ? " (run `clientele gateway sync` to import its APIs)" : "; known: \(known.prefix(8).joined(separator: ", "))"))
            }
            try Self.grant(db, client: client, environment: environment, api: api, at: now, actor: actor, from: nil)
        }
    }

    public func revokeAccess(client reference: String, environment name: String, api: String, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let client = try Self.resolveClient(db, reference)
            let environment = try Self.environment(db, named: name)
            guard try Self.revoke(db, client: client, environmentId: environment.id!, api: api, at: now, actor: actor, from: nil) else {
                throw ClienteleError.notFound("client \(client.displayName) has no access to \(api) in \(environment.name)")
            }
        }
    }

    /// Takes the gateway's contracts into the registry: what an app may call is granted, what it may not is revoked.
    func adoptContracts(_ apps: [LinkedGatewayApp], at gateway: Gateway, actor: String) throws -> [String] {
        let now = clock.now
        return try sqliteWrite { db in
            var adopted: [String] = []
            for app in apps {
                guard let grantee = app.grantee else { continue }
                for finding in app.findings {
                    guard let environmentId = finding.environmentId, let api = finding.api,
                        let environment = try Environment.fetchOne(db, key: environmentId)
                    else { continue }
                    switch finding.kind {
                    case .contractNotInRegistry:
                        try Self.grant(db, client: grantee, environment: environment, api: api, at: now, actor: actor, from: gateway)
                        adopted.append("\(grantee.displayName) may call \(api) in \(environment.name)")
                    case .contractMissingAtGateway:
                        _ = try Self.revoke(db, client: grantee, environmentId: environmentId, api: api, at: now, actor: actor, from: gateway)
                        adopted.append("\(grantee.displayName) no longer calls \(api) in \(environment.name)")
                    default:
                        continue
                    }
                }
            }
            return adopted
        }
    }

    private static func grant(_ db: Database, client: Client, environment: Environment, api: String, at now: Date,
                              actor: String, from gateway: Gateway?) throws
    {
        let exists = try ClientAccess.filter(
            Column("clientRowId") == client.id! && Column("environmentId") == environment.id! && Column("api") == api
        ).fetchCount(db) > 0
        guard !exists else { return }
        try ClientAccess(clientRowId: client.id!, environmentId: environment.id!, api: api, grantedAt: now).insert(db)
        var details = ["environment": environment.name, "api": api]
        if let gateway { details["adoptedFrom"] = gateway.name }
        try AuditTrail.append(db, at: now, actor: actor, action: "client.access-granted", client: client, details: details)
    }

    private static func revoke(_ db: Database, client: Client, environmentId: Int64, api: String, at now: Date,
                               actor: String, from gateway: Gateway?) throws -> Bool
    {
        let deleted = try ClientAccess.filter(
            Column("clientRowId") == client.id! && Column("environmentId") == environmentId && Column("api") == api
        ).deleteAll(db)
        guard deleted > 0 else { return false }
        var details = ["environmentId": String(environmentId), "api": api]
        if let gateway { details["adoptedFrom"] = gateway.name }
        try AuditTrail.append(db, at: now, actor: actor, action: "client.access-revoked", client: client, details: details)
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
        return try sqliteRead { db in
            var listings: [GatewayAppListing] = []
            for gateway in try Gateway.order(Column("name").collating(.nocase)).fetchAll(db)
            where wanted == nil || wanted?.id == gateway.id {
                for app in try GatewayApp.filter(Column("gatewayId") == gateway.id!).order(Column("name")).fetchAll(db) {
                    let links = try Row.fetchAll(db, sql: """
                        SELECT client.displayName, gatewayAppClient.role FROM gatewayAppClient
                        JOIN client ON client.id = gatewayAppClient.clientRowId
                        WHERE gatewayAppClient.gatewayAppId = ? ORDER BY client.displayName
                        """, arguments: [app.id!])
                    let environments = try String.fetchAll(db, sql: """
                        SELECT environment.name FROM environment
                        JOIN gatewayAppEnvironment ON gatewayAppEnvironment.environmentId = environment.id
                        WHERE gatewayAppEnvironment.gatewayAppId = ? ORDER BY environment.position, environment.name
                        """, arguments: [app.id!])
                    listings.append(GatewayAppListing(
                        gateway: gateway.name, app: app.app,
                        linkedClient: links.first { ($0[1] as String) == GatewayAppClient.Role.linked.rawValue }?[0],
                        heldSecretsOf: links.filter { ($0[1] as String) == GatewayAppClient.Role.holder.rawValue }.map { $0[0] },
                        environments: environments, findings: app.findings, checkedAt: app.checkedAt, syncedAt: app.syncedAt))
                }
            }
            return listings
        }
    }
}
