import Foundation
import GRDB

extension Registry {
    public func environments() throws -> [Environment] {
        try sqliteRead { db in try Environment.all().orderedForDisplay().fetchAll(db) }
    }

    /// Finds an environment by name, case-insensitively, or names the ones that exist.
    public func environment(named name: String) throws -> Environment {
        try sqliteRead { db in try Self.environment(db, named: name) }
    }

    static func environment(_ db: Database, named name: String) throws -> Environment {
        if let match = try Environment.filter(Column("name").collating(.nocase) == name).fetchOne(db) { return match }
        let known = try String.fetchAll(db, sql: "SELECT name FROM environment ORDER BY position, name")
        throw ClienteleError.notFound(
            "no environment '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele env add`)" : known.joined(separator: ", "))")
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
        return try sqliteWrite { db in
            if let existing = try Environment.filter(Column("name").collating(.nocase) == trimmed).fetchOne(db) {
                throw ClienteleError.conflict("environment '\(existing.name)' already exists")
            }
            let position = (try Int.fetchOne(db, sql: "SELECT max(position) FROM environment") ?? 0) + 1
            var environment = Environment(
                name: trimmed, businessGroup: businessGroup, gateway: gateway, position: position, createdAt: now)
            var details = ["gateway": gateway.rawValue, "businessGroup": businessGroup ?? ""]
            if let gatewayName {
                let bound = try Self.gateway(db, named: gatewayName)
                try Self.checkGatewayEnvironment(gatewayEnvironment, for: bound, environment: trimmed)
                environment.gatewayId = bound.id
                environment.gateway = bound.kind
                environment.gatewayEnvironment = gatewayEnvironment
                details["gateway"] = bound.name
                details["gatewayEnvironment"] = gatewayEnvironment ?? ""
            }
            try environment.insert(db)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "environment.added", subject: "environment \(trimmed)",
                details: details)
            return environment
        }
    }

    /// Removes an environment. One that still has clients or policies needs `force`, because removing it drops
    /// those memberships and assignments too.
    public func removeEnvironment(named name: String, force: Bool, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let environment = try Self.environment(db, named: name)
            let members = try ClientMembership.filter(Column("environmentId") == environment.id).fetchCount(db)
            let policies = try PolicyAssignment.filter(Column("environmentId") == environment.id).fetchCount(db)
            if (members > 0 || policies > 0) && !force {
                throw ClienteleError.confirmationRequired(
                    "environment '\(environment.name)' has \(members) clients and \(policies) policy assignments; pass --force to remove it with them")
            }
            _ = try environment.delete(db)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "environment.removed", subject: "environment \(environment.name)",
                details: ["clients": String(members), "policies": String(policies)])
        }
    }
}
