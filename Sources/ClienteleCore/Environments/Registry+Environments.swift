import Foundation

extension Registry {
    /// Environments as lists show them: by position (Sandbox before Prod), then name.
    static func environmentDisplayOrder(_ dialect: StoreDialect) -> String {
        "ORDER BY position, \(dialect.caseInsensitive("name")), id"
    }

    public func environments() throws -> [Environment] {
        try read { transaction in
            try transaction.records(Environment.self, Self.environmentDisplayOrder(transaction.dialect))
        }
    }

    /// Finds an environment by name, case-insensitively, or names the ones that exist.
    public func environment(named name: String) throws -> Environment {
        try read { transaction in try Self.environment(transaction, named: name) }
    }

    static func environment(_ transaction: StoreTransaction, named name: String) throws -> Environment {
        if let match = try environment(transaction, namedExactly: name) { return match }
        let known = try transaction.fetchAll(
            "SELECT name FROM environment " + environmentDisplayOrder(transaction.dialect)) { try $0.string(0) }
        throw ClienteleError.notFound(
            "no environment '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele env add`)" : known.joined(separator: ", "))")
    }

    private static func environment(_ transaction: StoreTransaction, namedExactly name: String) throws -> Environment? {
        try transaction.record(Environment.self, "WHERE \(transaction.dialect.matchingName("name"))", [.text(name)])
    }

    @discardableResult
    public func addEnvironment(
        name: String, businessGroup: String?, gateway: GatewayKind, boundTo gatewayName: String? = nil,
        gatewayEnvironment: String? = nil, actor: String
    ) throws -> Environment {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true })
        else {
            throw ClienteleError.invalidInput("environment name '\(name)' must be one line of printable text")
        }
        let now = clock.now
        return try write { transaction in
            if let existing = try Self.environment(transaction, namedExactly: trimmed) {
                throw ClienteleError.conflict("environment '\(existing.name)' already exists")
            }
            let position = Int(try transaction.int64("SELECT max(position) FROM environment") ?? 0) + 1
            var environment = Environment(
                name: trimmed, businessGroup: businessGroup, gateway: gateway, position: position, createdAt: now)
            var details = ["gateway": gateway.rawValue, "businessGroup": businessGroup ?? ""]
            if let gatewayName {
                let bound = try Self.gateway(transaction, named: gatewayName)
                try Self.checkGatewayEnvironment(gatewayEnvironment, for: bound, environment: trimmed)
                environment.gatewayId = bound.id
                environment.gateway = bound.kind
                environment.gatewayEnvironment = gatewayEnvironment
                details["gateway"] = bound.name
                details["gatewayEnvironment"] = gatewayEnvironment ?? ""
            }
            try transaction.insert(&environment)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "environment.added", subject: "environment \(trimmed)",
                details: details)
            return environment
        }
    }

    /// Removes an environment. One that still has clients or policies needs `force`, because removing it drops
    /// those memberships and assignments too.
    public func removeEnvironment(named name: String, force: Bool, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let environment = try Self.environment(transaction, named: name)
            let arguments: [StoreValue] = [.integer(environment.id!)]
            let members = try transaction.count("clientEnvironment", "WHERE environmentId = ?", arguments)
            let policies = try transaction.count(PolicyAssignment.table, "WHERE environmentId = ?", arguments)
            if (members > 0 || policies > 0) && !force {
                throw ClienteleError.confirmationRequired(
                    "environment '\(environment.name)' has \(members) clients and \(policies) policy assignments; pass --force to remove it with them")
            }
            try transaction.delete(Environment.self, id: environment.id!)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "environment.removed", subject: "environment \(environment.name)",
                details: ["clients": String(members), "policies": String(policies)])
        }
    }
}
