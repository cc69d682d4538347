import Foundation
import GRDB

/// What the registry knows that a gateway's client apps are compared with, read in one transaction: the
/// environments bound to the gateway and their APIs, the clients the apps' client ids name, the gateway's own
/// held clients, what the registry grants, and which environments enforce IdP tokens (and who belongs there).
struct GatewayAppContext: Sendable {
    var gateway: Gateway
    var environments: [Environment]
    var apis: [GatewayAPIRecord]
    /// Clients of IdPs proper whose client id some app names, by client id.
    var identityProviderClients: [String: Client]
    var identityProviders: [Int64: IdentityProvider]
    var holderClients: [Client]
    var access: [Int64: [ClientAccess]]
    /// Environments with OIDC access-token enforcement assigned: their callers must be IdP clients with an app.
    var tokenEnforced: Set<Int64>
    /// The IdP clients that belong to each token-enforced environment.
    var tokenEnforcedMembers: [Int64: [Client]]

    static func read(_ db: Database, gateway: Gateway, clientIds: Set<String>) throws -> GatewayAppContext {
        let environments = try Environment.filter(Column("gatewayId") == gateway.id!).orderedForDisplay().fetchAll(db)
        let environmentIds = environments.compactMap(\.id)
        let apis = try GatewayAPIRecord.filter(Column("gatewayId") == gateway.id!).fetchAll(db)
        let identityProviders = Dictionary(
            try IdentityProvider.fetchAll(db).map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        let proper = Set(identityProviders.values.filter { $0.kind != .gateway }.compactMap(\.id))
        var byClientId: [String: Client] = [:]
        let wanted = Array(clientIds)
        // Chunked: SQLite binds at most 32,766 values in one statement.
        for start in stride(from: 0, to: wanted.count, by: 5_000) {
            let chunk = Array(wanted[start..<min(start + 5_000, wanted.count)])
            for client in try Client.filter(chunk.contains(Column("clientId"))).order(Column("id")).fetchAll(db)
            where proper.contains(client.identityProviderId) && byClientId[client.clientId] == nil {
                byClientId[client.clientId] = client
            }
        }
        let holder = identityProviders.values.first { $0.kind == .gateway && $0.settings.gatewayId == gateway.id }
        let holderClients = try holder.map { try Client.filter(Column("identityProviderId") == $0.id!).fetchAll(db) } ?? []
        let access = Dictionary(
            grouping: try ClientAccess.filter(environmentIds.contains(Column("environmentId"))).fetchAll(db),
            by: \.clientRowId)
        let tokenEnforced = Set(try Int64.fetchAll(
            db, sql: "SELECT DISTINCT environmentId FROM policyAssignment WHERE policy = ?",
            arguments: [PolicyKind.oidcAccessTokenEnforcement.rawValue]).filter(environmentIds.contains))
        var members: [Int64: [Client]] = [:]
        for environmentId in tokenEnforced {
            members[environmentId] = try Client.fetchAll(db, sql: """
                SELECT client.* FROM client JOIN clientEnvironment ON clientEnvironment.clientRowId = client.id
                WHERE clientEnvironment.environmentId = ? ORDER BY client.displayName
                """, arguments: [environmentId]).filter { proper.contains($0.identityProviderId) }
        }
        return GatewayAppContext(
            gateway: gateway, environments: environments, apis: apis, identityProviderClients: byClientId,
            identityProviders: identityProviders, holderClients: holderClients, access: access,
            tokenEnforced: tokenEnforced, tokenEnforcedMembers: members)
    }
}
