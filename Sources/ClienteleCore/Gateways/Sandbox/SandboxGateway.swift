import Foundation
import GRDB

/// A gateway that lives in a file beside the registry, for the demo and the tests: it holds APIs and the policy
/// elements on them exactly as the gateway it imitates would express them (it uses that gateway's mapping), so
/// plan, apply, drift and adopt behave as they would against the real one, with no server.
public final class SandboxGateway: GatewayAdapter {
    public let stateFile: String
    /// The gateway's name in the registry, for error lines.
    public let name: String
    public let mapping: any GatewayPolicyMapping
    let store: DatabaseQueue
    let clock: ClienteleClock

    public convenience init(stateFile: String, imitating kind: GatewayKind, create: Bool = false,
                            clock: ClienteleClock = .wall, name: String = "sandbox") throws
    {
        try self.init(stateFile: stateFile, mapping: GatewayMappings.mapping(for: kind), create: create, clock: clock,
                      name: name)
    }

    public init(stateFile: String, mapping: any GatewayPolicyMapping, create: Bool = false, clock: ClienteleClock = .wall,
                name: String = "sandbox") throws
    {
        self.stateFile = stateFile
        self.name = name
        self.mapping = mapping
        self.clock = clock
        store = try SandboxStateFile.open(
            stateFile, create: create, label: "sandbox-gateway", migrator: Self.migrator, what: "sandbox gateway state",
            failure: ClienteleError.gateway)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sandbox gateway") { db in
            try db.create(table: "api") { t in
                t.primaryKey("remoteId", .text)
                t.column("name", .text).notNull()
                t.column("detail", .text).notNull()
                // The environment (Kong tag, Tyk org, Anypoint environment id) the API belongs to.
                t.column("environment", .text)
            }
            try db.create(table: "element") { t in
                t.primaryKey("remoteId", .text)
                t.column("apiId", .text).notNull().references("api", onDelete: .cascade)
                t.column("element", .text).notNull()
                t.column("version", .text)
                t.column("fields", .jsonText).notNull()
                t.column("position", .integer)
                t.column("managed", .boolean).notNull()
                t.uniqueKey(["apiId", "element"])
            }
        }
        migrator.registerMigration("v2: sandbox gateway client apps") { db in
            try db.create(table: "app") { t in
                t.primaryKey("remoteId", .text)
                t.column("name", .text).notNull()
                t.column("clientIds", .jsonText).notNull()
                t.column("environments", .jsonText)
                t.column("contracts", .jsonText).notNull()
            }
            // The sandbox is the gateway: like a real one it keeps its credentials' text (in its own state file,
            // never in the registry).
            try db.create(table: "credential") { t in
                t.primaryKey("remoteId", .text)
                t.column("appRemoteId", .text).notNull().references("app", onDelete: .cascade)
                t.column("type", .text).notNull()
                t.column("label", .text).notNull()
                t.column("secret", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
            }
        }
        return migrator
    }

    // MARK: Seeding (the demo)

    /// Adds APIs to an environment of the sandbox.
    public func seed(apis: [RemoteAPI], environment: String?) throws {
        try store.write { db in
            for api in apis {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO api (remoteId, name, detail, environment) VALUES (?, ?, ?, ?)",
                    arguments: [api.remoteId, api.name, api.detail, environment])
            }
        }
    }

    /// Changes one field of an element as someone clicking in the gateway's own console would: the demo's change
    /// "behind Clientele's back".
    public func tamper(apiName: String, environment: String?, element: String, field: String, value: GatewayValue)
        throws
    {
        try store.write { db in
            guard let row = try Row.fetchOne(
                db, sql: """
                    SELECT e.remoteId, e.fields FROM element e JOIN api a ON a.remoteId = e.apiId
                    WHERE a.name = ? AND (? IS NULL OR a.environment = ?) AND e.element = ?
                    """, arguments: [apiName, environment, environment, element])
            else { throw ClienteleError.notFound("sandbox gateway: no \(element) on \(apiName)") }
            var fields = try JSONDecoder().decode([String: GatewayValue].self, from: Data((row["fields"] as String).utf8))
            fields[field] = value
            try db.execute(sql: "UPDATE element SET fields = ? WHERE remoteId = ?",
                           arguments: [try Self.json(fields), row["remoteId"] as String])
        }
    }

    /// Puts an element on an API that Clientele did not write, as an administrator would in the gateway's portal.
    public func addByHand(apiName: String, environment: String?, element: String, fields: [String: GatewayValue])
        throws
    {
        try store.write { db in
            guard let apiId = try String.fetchOne(
                db, sql: "SELECT remoteId FROM api WHERE name = ? AND (? IS NULL OR environment = ?)",
                arguments: [apiName, environment, environment])
            else { throw ClienteleError.notFound("sandbox gateway: no API \(apiName)") }
            try db.execute(
                sql: "INSERT INTO element (remoteId, apiId, element, fields, managed) VALUES (?, ?, ?, ?, 0)",
                arguments: [UUID().uuidString.lowercased(), apiId, element, try Self.json(fields)])
        }
    }

    // MARK: GatewayAdapter

    public func check() async throws -> GatewayCheck {
        let apis = try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM api") ?? 0 }
        return GatewayCheck(
            reachable: true, credentialAccepted: true, version: "sandbox", edition: "imitating \(mapping.kind.rawValue)",
            manageable: ["\(apis) APIs and the policies on them, in \(stateFile)"])
    }

    public func apis(in scope: GatewayScope) async throws -> [RemoteAPI] {
        try await store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT remoteId, name, detail FROM api WHERE ? IS NULL OR environment = ? ORDER BY name",
                arguments: [scope.gatewayEnvironment, scope.gatewayEnvironment]
            ).map { RemoteAPI(remoteId: $0["remoteId"], name: $0["name"], detail: $0["detail"]) }
        }
    }

    public func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        let names = Dictionary(apis.map { ($0.remoteId, $0.name) }, uniquingKeysWith: { first, _ in first })
        let rows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM element ORDER BY apiId, position, element")
        }
        return try rows.compactMap { row -> GatewayPolicy? in
            let apiId: String = row["apiId"]
            guard let apiName = names[apiId] else { return nil }
            var element = GatewayPolicy(
                apiId: apiId, apiName: apiName, element: row["element"], remoteId: row["remoteId"],
                version: row["version"],
                fields: try JSONDecoder().decode([String: GatewayValue].self, from: Data((row["fields"] as String).utf8)),
                order: row["position"], managed: row["managed"])
            element.kind = mapping.adopt(element)?.kind
            return element
        }
    }

    public func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        try await store.write { db in
            switch step.action {
            case .create, .update:
                guard var desired = step.desired, let apiId = step.apiId else { return nil }
                let remoteId = desired.remoteId ?? UUID().uuidString.lowercased()
                desired.remoteId = remoteId
                // Like a gateway, the sandbox keeps fields it was not told about.
                var fields = try String.fetchOne(db, sql: "SELECT fields FROM element WHERE remoteId = ?", arguments: [remoteId])
                    .map { try JSONDecoder().decode([String: GatewayValue].self, from: Data($0.utf8)) } ?? [:]
                fields.merge(desired.fields) { $1 }
                try db.execute(
                    sql: """
                        INSERT INTO element (remoteId, apiId, element, version, fields, position, managed)
                        VALUES (?, ?, ?, ?, ?, ?, 1)
                        ON CONFLICT(remoteId) DO UPDATE SET version = excluded.version, fields = excluded.fields,
                            position = excluded.position, managed = 1
                        """,
                    arguments: [remoteId, apiId, desired.element, desired.version, try Self.json(fields), desired.order])
                desired.fields = fields
                return desired
            case .delete:
                if let remoteId = step.current?.remoteId {
                    try db.execute(sql: "DELETE FROM element WHERE remoteId = ?", arguments: [remoteId])
                }
                return nil
            case .reorder:
                for (index, element) in (step.order ?? []).enumerated() {
                    try db.execute(sql: "UPDATE element SET position = ? WHERE apiId = ? AND element = ?",
                                   arguments: [index + 1, step.apiId, element])
                }
                return nil
            case .reload:
                return nil
            }
        }
    }

    /// The JSON text the state file keeps a value as (keys sorted, so equal values are equal texts).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
