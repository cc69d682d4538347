import Foundation

/// Which clients a bulk rotation takes: those with a secret in service expiring within `within` (expired ones
/// included), narrowed by environment, IdP and owner team.
public struct BulkRotationSelection: Sendable, Hashable {
    public var within: DurationText
    public var environment: String?
    public var identityProvider: String?
    public var ownerTeam: String?

    public init(within: DurationText, environment: String? = nil, identityProvider: String? = nil,
                ownerTeam: String? = nil)
    {
        self.within = within
        self.environment = environment
        self.identityProvider = identityProvider
        self.ownerTeam = ownerTeam
    }
}

extension Registry {
    /// The clients `selection` names, soonest expiry first, without Clientele's own admin applications. A name that matches nothing (environment, IdP, owner
    /// team) is an error rather than an empty wave: a typo must not read as "nothing to do".
    public func clientsDueForRotation(_ selection: BulkRotationSelection) throws -> [Client] {
        let cutoff = clock.now + selection.within.timeInterval
        return try read { transaction in
            let d = transaction.dialect
            var conditions = [
                "EXISTS (SELECT 1 FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending') AND s.expiresAt <= ?)",
            ]
            var arguments: [StoreValue] = [.date(cutoff)]
            if let name = selection.environment {
                let environment = try Self.environment(transaction, named: name)
                conditions.append("c.id IN (SELECT clientRowId FROM clientEnvironment WHERE environmentId = ?)")
                arguments.append(.integer(environment.id!))
            }
            if let name = selection.identityProvider {
                guard try transaction.count(
                    "identityProvider", "WHERE \(d.caseInsensitive("name")) = \(d.caseInsensitive("?"))", [.text(name)]) > 0
                else {
                    throw ClienteleError.notFound("no identity provider '\(name)'")
                }
                conditions.append("\(d.caseInsensitive("i.name")) = \(d.caseInsensitive("?"))")
                arguments.append(.text(name))
            }
            if let team = selection.ownerTeam {
                guard try transaction.count(
                    "client", "WHERE \(d.caseInsensitive("ownerTeam")) = \(d.caseInsensitive("?"))", [.text(team)]) > 0
                else {
                    throw ClienteleError.notFound("no client is owned by team '\(team)'")
                }
                conditions.append("\(d.caseInsensitive("c.ownerTeam")) = \(d.caseInsensitive("?"))")
                arguments.append(.text(team))
            }
            let sql = """
                SELECT \(Client.selection(as: "c")) FROM client c JOIN identityProvider i ON i.id = c.identityProviderId
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY (SELECT min(s.expiresAt) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')),
                         \(d.caseInsensitive("c.displayName")), c.id
                """
            // Clientele's own admin application at an IdP is left out: its secret is the one Clientele signs in
            // with, and removing the old one after the grace would lock Clientele out. It is rotated on its own.
            let admins = Set(try transaction.records(IdentityProvider.self).compactMap { idp in
                idp.settings.adminClientId.map { AdminApp(identityProviderId: idp.id!, clientId: $0) }
            })
            return try transaction.fetchAll(sql, arguments, Client.init(row:)).filter {
                !admins.contains(AdminApp(identityProviderId: $0.identityProviderId, clientId: $0.clientId))
            }
        }
    }

    private struct AdminApp: Hashable {
        var identityProviderId: Int64
        var clientId: String
    }

    /// Whether another client shares `client`'s display name, ignoring case (as some file systems do).
    func displayNameIsShared(_ client: Client) throws -> Bool {
        try read { transaction in
            let d = transaction.dialect
            return try transaction.count(
                "client", "WHERE \(d.caseInsensitive("displayName")) = \(d.caseInsensitive("?")) AND id <> ?",
                [.text(client.displayName), .integer(client.id!)]) > 0
        }
    }
}
