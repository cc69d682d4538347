import Foundation
import GRDB

/// A gateway that lives beside the registry (its own file, or its own schema in a PostgreSQL registry's database:
/// `SandboxStore`), for the demo and the tests: it holds APIs and the policy
/// elements on them exactly as the gateway it imitates would express them (it uses that gateway's mapping), so
/// plan, apply, drift and adopt behave as they would against the real one, with no server.
public final class SandboxGateway: GatewayAdapter {
    /// Where its state is: the file's path, or its schema in the registry's database.
    public let stateFile: String
    /// The gateway's name in the registry, for error lines.
    public let name: String
    public let mapping: any GatewayPolicyMapping
    let store: SandboxStore
    let clock: ClienteleClock

    public convenience init(stateFile: String, imitating kind: GatewayKind, create: Bool = false,
                            clock: ClienteleClock = .wall, name: String = "sandbox") throws
    {
        try self.init(stateFile: stateFile, mapping: GatewayMappings.mapping(for: kind), create: create, clock: clock,
                      name: name)
    }

    public convenience init(stateFile: String, mapping: any GatewayPolicyMapping, create: Bool = false,
                            clock: ClienteleClock = .wall, name: String = "sandbox") throws
    {
        try self.init(location: .file(stateFile), mapping: mapping, create: create, clock: clock, name: name)
    }

    /// The sandbox gateway whose state its settings record as `state`, in `home`.
    public convenience init(state: String, in home: SandboxHome, imitating kind: GatewayKind, create: Bool = false,
                            clock: ClienteleClock = .wall, name: String = "sandbox") throws
    {
        try self.init(location: home.location(of: state), mapping: GatewayMappings.mapping(for: kind), create: create,
                      clock: clock, name: name)
    }

    init(location: SandboxLocation, mapping: any GatewayPolicyMapping, create: Bool, clock: ClienteleClock, name: String)
        throws
    {
        self.name = name
        self.mapping = mapping
        self.clock = clock
        store = try SandboxStore.open(location, create: create, schema: Self.schema)
        stateFile = store.description
    }

    static let schema = SandboxStore.Schema(
        label: "sandbox-gateway", what: "sandbox gateway state", migrator: { migrator }, postgresTables: postgresTables,
        failure: ClienteleError.gateway)

    /// The file's tables as its migrator leaves them, in PostgreSQL's types.
    static let postgresTables = """
        CREATE TABLE api (
            remoteId text PRIMARY KEY NOT NULL,
            name text NOT NULL,
            detail text NOT NULL,
            environment text);
        CREATE TABLE element (
            remoteId text PRIMARY KEY NOT NULL,
            apiId text NOT NULL REFERENCES api(remoteId) ON DELETE CASCADE,
            element text NOT NULL,
            version text,
            fields text NOT NULL,
            position bigint,
            managed boolean NOT NULL,
            UNIQUE (apiId, element));
        CREATE TABLE app (
            remoteId text PRIMARY KEY NOT NULL,
            name text NOT NULL,
            clientIds text NOT NULL,
            environments text,
            contracts text NOT NULL);
        CREATE TABLE credential (
            remoteId text PRIMARY KEY NOT NULL,
            appRemoteId text NOT NULL REFERENCES app(remoteId) ON DELETE CASCADE,
            type text NOT NULL,
            label text NOT NULL,
            secret text NOT NULL,
            createdAt timestamptz(3) NOT NULL,
            expiresAt timestamptz(3));
        """

    /// The state file's schema, migration by migration as it shipped.
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
        try store.write { transaction in
            for api in apis {
                try transaction.execute("""
                    INSERT INTO api (remoteId, name, detail, environment) VALUES (?, ?, ?, ?)
                    ON CONFLICT(remoteId) DO UPDATE SET name = excluded.name, detail = excluded.detail,
                        environment = excluded.environment
                    """, api.remoteId, api.name, api.detail, environment)
            }
        }
    }

    /// Changes one field of an element as someone clicking in the gateway's own console would: the demo's change
    /// "behind Clientele's back".
    public func tamper(apiName: String, environment: String?, element: String, field: String, value: GatewayValue)
        throws
    {
        try store.write { transaction in
            let (inEnvironment, arguments) = Self.environmentClause("a.environment", environment)
            guard let row = try transaction.fetchOne(
                """
                SELECT e.remoteId, e.fields FROM element e JOIN api a ON a.remoteId = e.apiId
                WHERE a.name = ?\(inEnvironment) AND e.element = ? ORDER BY e.remoteId
                """, [.text(apiName)] + arguments + [.text(element)], { (remoteId: try $0.string(0), fields: try $0.string(1)) })
            else { throw ClienteleError.notFound("sandbox gateway: no \(element) on \(apiName)") }
            var fields = try JSONDecoder().decode([String: GatewayValue].self, from: Data(row.fields.utf8))
            fields[field] = value
            try transaction.execute("UPDATE element SET fields = ? WHERE remoteId = ?", try Self.json(fields), row.remoteId)
        }
    }

    /// Puts an element on an API that Clientele did not write, as an administrator would in the gateway's portal.
    public func addByHand(apiName: String, environment: String?, element: String, fields: [String: GatewayValue])
        throws
    {
        try store.write { transaction in
            guard let apiId = try Self.apiId(transaction, named: apiName, environment: environment) else {
                throw ClienteleError.notFound("sandbox gateway: no API \(apiName)")
            }
            try transaction.execute(
                "INSERT INTO element (remoteId, apiId, element, fields, managed) VALUES (?, ?, ?, ?, FALSE)",
                UUID().uuidString.lowercased(), apiId, element, try Self.json(fields))
        }
    }

    // MARK: GatewayAdapter

    public func check() async throws -> GatewayCheck {
        let apis = try store.read { transaction in try transaction.count("api") }
        return GatewayCheck(
            reachable: true, credentialAccepted: true, version: "sandbox", edition: "imitating \(mapping.kind.rawValue)",
            manageable: ["\(apis) APIs and the policies on them, in \(stateFile)"])
    }

    public func apis(in scope: GatewayScope) async throws -> [RemoteAPI] {
        try store.read { transaction in
            let (inEnvironment, arguments) = Self.environmentClause("environment", scope.gatewayEnvironment)
            return try transaction.fetchAll(
                "SELECT remoteId, name, detail FROM api WHERE TRUE\(inEnvironment) ORDER BY name, remoteId", arguments
            ) { RemoteAPI(remoteId: try $0.string(0), name: try $0.string(1), detail: try $0.string(2)) }
        }
    }

    public func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        let names = Dictionary(apis.map { ($0.remoteId, $0.name) }, uniquingKeysWith: { first, _ in first })
        let mapping = self.mapping
        return try store.read { transaction in
            // NULLS FIRST is SQLite's order for NULL, said out loud for PostgreSQL.
            try transaction.fetchAll("""
                SELECT apiId, element, remoteId, version, fields, position, managed FROM element
                ORDER BY apiId, position NULLS FIRST, element
                """
            ) { row -> GatewayPolicy? in
                let apiId = try row.string(0)
                guard let apiName = names[apiId] else { return nil }
                var element = GatewayPolicy(
                    apiId: apiId, apiName: apiName, element: try row.string(1), remoteId: try row.string(2),
                    version: try row.optionalString(3),
                    fields: try JSONDecoder().decode([String: GatewayValue].self, from: Data(try row.string(4).utf8)),
                    order: try row.optionalInt(5), managed: try row.bool(6))
                element.kind = mapping.adopt(element)?.kind
                return element
            }.compactMap { $0 }
        }
    }

    public func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        try store.write { transaction in
            switch step.action {
            case .create, .update:
                guard var desired = step.desired, let apiId = step.apiId else { return nil }
                let remoteId = desired.remoteId ?? UUID().uuidString.lowercased()
                desired.remoteId = remoteId
                // Like a gateway, the sandbox keeps fields it was not told about.
                var fields = try transaction.string("SELECT fields FROM element WHERE remoteId = ?", remoteId)
                    .map { try JSONDecoder().decode([String: GatewayValue].self, from: Data($0.utf8)) } ?? [:]
                fields.merge(desired.fields) { $1 }
                try transaction.execute(
                    """
                    INSERT INTO element (remoteId, apiId, element, version, fields, position, managed)
                    VALUES (?, ?, ?, ?, ?, ?, TRUE)
                    ON CONFLICT(remoteId) DO UPDATE SET version = excluded.version, fields = excluded.fields,
                        position = excluded.position, managed = TRUE
                    """,
                    remoteId, apiId, desired.element, desired.version, try Self.json(fields), desired.order)
                desired.fields = fields
                return desired
            case .delete:
                if let remoteId = step.current?.remoteId {
                    try transaction.execute("DELETE FROM element WHERE remoteId = ?", remoteId)
                }
                return nil
            case .reorder:
                for (index, element) in (step.order ?? []).enumerated() {
                    try transaction.execute("UPDATE element SET position = ? WHERE apiId = ? AND element = ?",
                                            index + 1, step.apiId, element)
                }
                return nil
            case .reload:
                return nil
            }
        }
    }

    /// ` AND column = ?` with its argument when an environment is given; nothing when any environment will do.
    static func environmentClause(_ column: String, _ environment: String?) -> (String, [StoreValue]) {
        guard let environment else { return ("", []) }
        return (" AND \(column) = ?", [.text(environment)])
    }

    static func apiId(_ transaction: StoreTransaction, named name: String, environment: String?) throws -> String? {
        let (inEnvironment, arguments) = environmentClause("environment", environment)
        return try transaction.fetchOne(
            "SELECT remoteId FROM api WHERE name = ?\(inEnvironment) ORDER BY remoteId", [.text(name)] + arguments
        ) { try $0.string(0) }
    }

    /// The JSON text the state file keeps a value as (keys sorted, so equal values are equal texts).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
