import Foundation

extension Registry {
    public func gateways() throws -> [Gateway] {
        try read { transaction in try Self.gateways(transaction) }
    }

    static func gateways(_ transaction: StoreTransaction) throws -> [Gateway] {
        try transaction.records(Gateway.self, "ORDER BY \(transaction.dialect.caseInsensitive("name")), id")
    }

    /// Finds a gateway by name, case-insensitively, or names the ones that exist.
    public func gateway(named name: String) throws -> Gateway {
        try read { transaction in try Self.gateway(transaction, named: name) }
    }

    static func gateway(_ transaction: StoreTransaction, named name: String) throws -> Gateway {
        if let match = try gatewayMatching(transaction, name) { return match }
        let known = try gateways(transaction).map(\.name)
        throw ClienteleError.notFound(
            "no gateway '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele gateway add`)" : known.joined(separator: ", "))")
    }

    /// The gateway whose name is `name` but for case (names are unique that way), if there is one.
    private static func gatewayMatching(_ transaction: StoreTransaction, _ name: String) throws -> Gateway? {
        let d = transaction.dialect
        return try transaction.record(
            Gateway.self, "WHERE \(d.caseInsensitive("name")) = \(d.caseInsensitive("?"))", [.text(name)])
    }

    public func gateway(id: Int64) throws -> Gateway {
        guard let gateway = try read({ transaction in try transaction.record(Gateway.self, id: id) }) else {
            throw ClienteleError.notFound("no gateway with id \(id)")
        }
        return gateway
    }

    @discardableResult
    public func addGateway(_ gateway: Gateway, actor: String) throws -> Gateway {
        try Self.requirePrintableName(gateway.name, of: "gateway")
        guard gateway.kind != .none else { throw ClienteleError.invalidInput("a gateway needs a kind: kong, tyk or anypoint") }
        let now = clock.now
        return try write { transaction in
            if let existing = try Self.gatewayMatching(transaction, gateway.name) {
                throw ClienteleError.conflict("a gateway named '\(existing.name)' already exists")
            }
            var record = gateway
            try transaction.insert(&record)
            _ = try Self.gatewayHolder(transaction, of: record, at: now)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "gateway.added", subject: "gateway \(gateway.name)",
                details: ["kind": gateway.kindLabel, "url": gateway.endpoint,
                          "credential": gateway.credentialSource.description])
            return record
        }
    }

    /// Removes a gateway. Environments bound to it must be unbound or rebound first: removing it would silently
    /// leave their policies governing nothing.
    public func removeGateway(named name: String, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let gateway = try Self.gateway(transaction, named: name)
            let bound = try transaction.strings(
                "SELECT name FROM environment WHERE gatewayId = ? ORDER BY \(Environment.displayOrder(transaction.dialect))",
                gateway.id)
            if !bound.isEmpty {
                throw ClienteleError.conflict(
                    "gateway '\(gateway.name)' is bound to \(bound.joined(separator: ", ")); bind \(bound.count == 1 ? "it" : "them") elsewhere first (`clientele env set \(bound[0]) --gateway OTHER` or `--gateway none`)")
            }
            let heldSecrets = try Self.removeGatewayHolder(transaction, of: gateway)
            try transaction.delete(Gateway.self, id: gateway.id!)
            try AuditTrail.append(transaction, at: now, actor: actor, action: "gateway.removed", subject: "gateway \(gateway.name)",
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
        return try write { transaction in
            var environment = try Self.environment(transaction, named: name)
            let old = environment
            if let gatewayName {
                let gateway = try Self.gateway(transaction, named: gatewayName)
                try Self.checkGatewayEnvironment(gatewayEnvironment, for: gateway, environment: environment.name)
                let mapping = GatewayMappings.mapping(for: gateway.kind)
                let assignments = try Self.assignments(transaction, environmentId: environment.id!)
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
            try transaction.update(environment)
            if old.gatewayId != environment.gatewayId {
                // APIs and observations belong to the gateway the environment was bound to.
                try transaction.execute("DELETE FROM gatewayApi WHERE environmentId = ?", environment.id!)
                try transaction.execute("DELETE FROM gatewayObservation WHERE environmentId = ?", environment.id!)
            }
            let gatewayName = try environment.gatewayId.flatMap { try transaction.record(Gateway.self, id: $0) }?.name
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "environment.bound", subject: "environment \(environment.name)",
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
        try read { transaction in
            let d = transaction.dialect
            let environments = try transaction.records(Environment.self, "ORDER BY \(Environment.displayOrder(d))")
            let wanted = try environmentName.map {
                try Self.environment(transaction, named: $0)
            }
            var rows: [(Environment, GatewayAPIRecord)] = []
            for environment in environments where wanted == nil || wanted?.id == environment.id {
                for api in try transaction.records(
                    GatewayAPIRecord.self, "WHERE environmentId = ? ORDER BY \(d.caseInsensitive("name")), id",
                    [.integer(environment.id!)])
                {
                    rows.append((environment, api))
                }
            }
            return rows
        }
    }

    /// The names of an environment's imported APIs: what a policy's or a grant's `--api` must be one of.
    static func apiNames(_ transaction: StoreTransaction, environmentId: Int64) throws -> [String] {
        try transaction.strings(
            "SELECT name FROM gatewayApi WHERE environmentId = ? ORDER BY \(transaction.dialect.caseInsensitive("name")), id",
            environmentId)
    }

    /// Replaces an environment's imported APIs with what its gateway has now, and says what changed.
    @discardableResult
    public func recordAPIs(_ apis: [RemoteAPI], for environment: Environment, at gateway: Gateway, actor: String)
        throws -> (added: [String], removed: [String])
    {
        let now = clock.now
        return try write { transaction in
            let existing = try transaction.records(
                GatewayAPIRecord.self, "WHERE environmentId = ? ORDER BY id", [.integer(environment.id!)])
            let byRemoteId = Dictionary(existing.map { ($0.remoteId, $0) }, uniquingKeysWith: { first, _ in first })
            let incoming = Set(apis.map(\.remoteId))
            let removed = existing.filter { !incoming.contains($0.remoteId) }
            for record in removed { try transaction.delete(GatewayAPIRecord.self, id: record.id!) }
            var added: [String] = []
            for api in apis {
                if var record = byRemoteId[api.remoteId] {
                    record.name = api.name
                    record.detail = api.detail
                    record.syncedAt = now
                    try transaction.update(record)
                } else {
                    var record = GatewayAPIRecord(
                        gatewayId: gateway.id!, environmentId: environment.id!, remoteId: api.remoteId, name: api.name,
                        detail: api.detail, syncedAt: now)
                    try transaction.insert(&record)
                    added.append(api.name)
                }
            }
            if !added.isEmpty || !removed.isEmpty {
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "gateway.apis-synced", subject: "environment \(environment.name)",
                    details: ["gateway": gateway.name, "added": String(added.count), "removed": String(removed.count),
                              "apis": String(apis.count)])
            }
            return (added, removed.map(\.name))
        }
    }

    /// Records what an environment's gateway ran when it was last read, for the console's matrix.
    public func recordObservation(_ observation: GatewayObservation) throws {
        try write { transaction in try GatewayObservation.save(observation, transaction) }
    }

    /// What each environment's gateway ran when last read, by environment id.
    public func observations() throws -> [Int64: GatewayObservation] {
        try read { transaction in
            Dictionary(try GatewayObservation.all(transaction).map { ($0.environmentId, $0) }, uniquingKeysWith: { $1 })
        }
    }
}
