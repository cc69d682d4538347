import Foundation
import GRDB

extension Registry {
    public func gateways() throws -> [Gateway] {
        try sqliteRead { db in try Gateway.order(Column("name").collating(.nocase)).fetchAll(db) }
    }

    /// Finds a gateway by name, case-insensitively, or names the ones that exist.
    public func gateway(named name: String) throws -> Gateway {
        try sqliteRead { db in try Self.gateway(db, named: name) }
    }

    static func gateway(_ db: Database, named name: String) throws -> Gateway {
        if let match = try Gateway.filter(Column("name").collating(.nocase) == name).fetchOne(db) { return match }
        let known = try String.fetchAll(db, sql: "SELECT name FROM gateway ORDER BY name")
        throw ClienteleError.notFound(
            "no gateway '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele gateway add`)" : known.joined(separator: ", "))")
    }

    public func gateway(id: Int64) throws -> Gateway {
        guard let gateway = try sqliteRead({ db in try Gateway.fetchOne(db, key: id) }) else {
            throw ClienteleError.notFound("no gateway with id \(id)")
        }
        return gateway
    }

    @discardableResult
    public func addGateway(_ gateway: Gateway, actor: String) throws -> Gateway {
        try Self.requirePrintableName(gateway.name, of: "gateway")
        guard gateway.kind != .none else { throw ClienteleError.invalidInput("a gateway needs a kind: kong, tyk or anypoint") }
        let now = clock.now
        return try sqliteWrite { db in
            if let existing = try Gateway.filter(Column("name").collating(.nocase) == gateway.name).fetchOne(db) {
                throw ClienteleError.conflict("a gateway named '\(existing.name)' already exists")
            }
            var record = gateway
            try record.insert(db)
            _ = try Self.gatewayHolder(db, of: record, at: now)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "gateway.added", subject: "gateway \(gateway.name)",
                details: ["kind": gateway.kindLabel, "url": gateway.endpoint,
                          "credential": gateway.credentialSource.description])
            return record
        }
    }

    /// Removes a gateway. Environments bound to it must be unbound or rebound first: removing it would silently
    /// leave their policies governing nothing.
    public func removeGateway(named name: String, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let gateway = try Self.gateway(db, named: name)
            let bound = try String.fetchAll(
                db, sql: "SELECT name FROM environment WHERE gatewayId = ? ORDER BY position, name",
                arguments: [gateway.id])
            if !bound.isEmpty {
                throw ClienteleError.conflict(
                    "gateway '\(gateway.name)' is bound to \(bound.joined(separator: ", ")); bind \(bound.count == 1 ? "it" : "them") elsewhere first (`clientele env set \(bound[0]) --gateway OTHER` or `--gateway none`)")
            }
            let heldSecrets = try Self.removeGatewayHolder(db, of: gateway)
            _ = try gateway.delete(db)
            try AuditTrail.append(db, at: now, actor: actor, action: "gateway.removed", subject: "gateway \(gateway.name)",
                                  details: ["kind": gateway.kindLabel, "heldClientsForgotten": String(heldSecrets)])
        }
    }

    /// Binds an environment to a gateway (and its own environment there), or unbinds it with `gateway == nil`.
    /// Policies already assigned that the gateway cannot express are refused, naming them, before anything changes.
    @discardableResult
    public func bindEnvironment(
        named name: String, to gatewayName: String?, gatewayEnvironment: String?, actor: String
    ) throws -> Environment {
        let now = clock.now
        return try sqliteWrite { db in
            var environment = try Self.environment(db, named: name)
            let old = environment
            if let gatewayName {
                let gateway = try Self.gateway(db, named: gatewayName)
                try Self.checkGatewayEnvironment(gatewayEnvironment, for: gateway, environment: environment.name)
                let mapping = GatewayMappings.mapping(for: gateway.kind)
                let assignments = try Self.assignments(db, environmentId: environment.id!)
                let scope = GatewayScope(gatewayName: gateway.name, environmentName: environment.name,
                                         gatewayEnvironment: gatewayEnvironment)
                let refused = assignments.compactMap { assignment -> String? in
                    if let refusal = mapping.refusal(for: assignment.policy) { return "\(assignment.label): \(refusal)" }
                    let others = assignments.filter { $0.id != assignment.id }
                    if let conflict = mapping.conflict(adding: assignment, beside: others) {
                        return "\(assignment.label): \(conflict)"
                    }
                    let probe = RemoteAPI(remoteId: "-", name: assignment.api.isEmpty ? "every API" : assignment.api)
                    var narrowed = assignment
                    narrowed.api = probe.name
                    do {
                        _ = try mapping.desired([narrowed], on: [probe], scope: scope)
                    } catch {
                        return "\(assignment.label): \((error as? ClienteleError)?.description ?? "\(error)")"
                    }
                    return nil
                }
                if let first = refused.first {
                    throw ClienteleError.invalidInput(
                        "environment \(environment.name) cannot be bound to gateway \(gateway.name) (\(gateway.kind.rawValue)): \(first)"
                            + (refused.count > 1 ? " (and \(refused.count - 1) more: `clientele policy show --env \(environment.name)`)" : ""))
                }
                environment.gatewayId = gateway.id
                environment.gateway = gateway.kind
                environment.gatewayEnvironment = gatewayEnvironment
            } else {
                environment.gatewayId = nil
                environment.gatewayEnvironment = nil
                environment.gateway = .none
            }
            if environment == old { return environment }
            try environment.update(db)
            if old.gatewayId != environment.gatewayId {
                // APIs and observations belong to the gateway the environment was bound to.
                try GatewayAPIRecord.filter(Column("environmentId") == environment.id!).deleteAll(db)
                try db.execute(sql: "DELETE FROM gatewayObservation WHERE environmentId = ?", arguments: [environment.id])
            }
            let gatewayName = try environment.gatewayId.flatMap { try Gateway.fetchOne(db, key: $0) }?.name
            try AuditTrail.append(
                db, at: now, actor: actor, action: "environment.bound", subject: "environment \(environment.name)",
                details: ["gateway": gatewayName ?? "none", "gatewayEnvironment": environment.gatewayEnvironment ?? ""])
            return environment
        }
    }

    /// Anypoint needs its environment id; the others may go without (Kong: every service, Tyk: every org).
    static func checkGatewayEnvironment(_ value: String?, for gateway: Gateway, environment: String) throws {
        if let value {
            guard !value.isEmpty, !value.contains(where: { $0.isNewline || $0.isWhitespace || $0 == "," }) else {
                throw ClienteleError.invalidInput(
                    "--gateway-environment '\(value)' must be one word (\(gateway.kind.environmentMeaning))")
            }
        } else if gateway.kind == .anypoint {
            throw ClienteleError.invalidInput(
                "environment \(environment) on Anypoint gateway \(gateway.name) needs --gateway-environment ENV_ID (\(gateway.kind.environmentMeaning))")
        }
    }

    static func requirePrintableName(_ name: String, of what: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed == name,
            !name.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true })
        else {
            throw ClienteleError.invalidInput("\(what) name '\(name)' must be one line of printable text")
        }
    }

    /// The gateway an environment is bound to, or one line saying how to bind it.
    public func boundGateway(of environment: Environment) throws -> Gateway {
        guard let gatewayId = environment.gatewayId else {
            throw ClienteleError.invalidInput(
                "environment \(environment.name) is not bound to a gateway; bind it with `clientele env set \(environment.name) --gateway NAME`")
        }
        return try gateway(id: gatewayId)
    }

    public func scope(of environment: Environment, at gateway: Gateway) -> GatewayScope {
        GatewayScope(gatewayName: gateway.name, environmentName: environment.name,
                     gatewayEnvironment: environment.gatewayEnvironment)
    }
}

// MARK: - APIs and what the gateway ran

extension Registry {
    /// The APIs imported for an environment (all environments when nil), by name.
    public func apis(in environmentName: String? = nil) throws -> [(Environment, GatewayAPIRecord)] {
        try sqliteRead { db in
            let environments = try Environment.all().orderedForDisplay().fetchAll(db)
            let wanted = try environmentName.map { try Self.environment(db, named: $0) }
            var rows: [(Environment, GatewayAPIRecord)] = []
            for environment in environments where wanted == nil || wanted?.id == environment.id {
                for api in try GatewayAPIRecord.filter(Column("environmentId") == environment.id!)
                    .order(Column("name").collating(.nocase)).fetchAll(db)
                {
                    rows.append((environment, api))
                }
            }
            return rows
        }
    }

    /// Replaces an environment's imported APIs with what its gateway has now, and says what changed.
    @discardableResult
    public func recordAPIs(_ apis: [RemoteAPI], for environment: Environment, at gateway: Gateway, actor: String)
        throws -> (added: [String], removed: [String])
    {
        let now = clock.now
        return try sqliteWrite { db in
            let existing = try GatewayAPIRecord.filter(Column("environmentId") == environment.id!).fetchAll(db)
            let byRemoteId = Dictionary(existing.map { ($0.remoteId, $0) }, uniquingKeysWith: { first, _ in first })
            let incoming = Set(apis.map(\.remoteId))
            let removed = existing.filter { !incoming.contains($0.remoteId) }
            for record in removed { _ = try record.delete(db) }
            var added: [String] = []
            for api in apis {
                if var record = byRemoteId[api.remoteId] {
                    if record.name != api.name || record.detail != api.detail {
                        record.name = api.name
                        record.detail = api.detail
                    }
                    record.syncedAt = now
                    try record.update(db)
                } else {
                    var record = GatewayAPIRecord(
                        gatewayId: gateway.id!, environmentId: environment.id!, remoteId: api.remoteId, name: api.name,
                        detail: api.detail, syncedAt: now)
                    try record.insert(db)
                    added.append(api.name)
                }
            }
            if !added.isEmpty || !removed.isEmpty {
                try AuditTrail.append(
                    db, at: now, actor: actor, action: "gateway.apis-synced", subject: "environment \(environment.name)",
                    details: ["gateway": gateway.name, "added": String(added.count), "removed": String(removed.count),
                              "apis": String(apis.count)])
            }
            return (added, removed.map(\.name))
        }
    }

    /// Records what an environment's gateway ran when it was last read, for the console's matrix.
    public func recordObservation(_ observation: GatewayObservation) throws {
        try sqliteWrite { db in
            var record = observation
            try record.save(db)
        }
    }

    /// What each environment's gateway ran when last read, by environment id.
    public func observations() throws -> [Int64: GatewayObservation] {
        try sqliteRead { db in
            Dictionary(try GatewayObservation.fetchAll(db).map { ($0.environmentId, $0) }, uniquingKeysWith: { $1 })
        }
    }
}

/// What an environment's gateway ran when Clientele last read it (`gateway sync`, `gateway drift`, an apply).
public struct GatewayObservation: Codable, Sendable, Hashable {
    public var environmentId: Int64
    public var gatewayId: Int64
    public var observedAt: Date
    public var elements: [GatewayPolicy]
    public var apiCount: Int
    /// Why the gateway could not be read, when it could not.
    public var error: String?

    public init(environmentId: Int64, gatewayId: Int64, observedAt: Date, elements: [GatewayPolicy], apiCount: Int,
                error: String? = nil)
    {
        self.environmentId = environmentId
        self.gatewayId = gatewayId
        self.observedAt = observedAt
        self.elements = elements
        self.apiCount = apiCount
        self.error = error
    }
}

extension GatewayObservation: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "gatewayObservation"
}
