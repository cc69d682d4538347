import Foundation
import GRDB

/// What the registry knows that a gateway's client apps are compared with, read in one transaction: the
/// environments bound to the gateway and their APIs, the clients the apps' client ids name, the gateway's own
/// held clients, and what the registry grants (and to which IdP clients).
struct GatewayAppContext: Sendable {
    var gateway: Gateway
    var environments: [Environment]
    var apis: [GatewayAPIRecord]
    /// Clients of IdPs proper whose client id some app names, by client id.
    var identityProviderClients: [String: Client]
    var identityProviders: [Int64: IdentityProvider]
    var holderClients: [Client]
    /// The same, by client id and by object id (the app's remote id), so linking is a lookup per app.
    var holderClientsByClientId: [String: [Client]] = [:]
    var holderClientsByObjectId: [String: [Client]] = [:]
    var apisByRemoteId: [String: GatewayAPIRecord] = [:]
    var access: [Int64: [ClientAccess]]
    /// The IdP clients the registry gives an API of one of the gateway's environments: each needs an app there.
    var grantedIdentityProviderClients: [Client]
    /// Per app (remote id), the client id it was last linked by.
    var previouslyLinked: [String: String]

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
        let granted = try Client.fetchAll(db, sql: """
            SELECT DISTINCT client.* FROM client JOIN clientAccess ON clientAccess.clientRowId = client.id
            JOIN environment ON environment.id = clientAccess.environmentId
            WHERE environment.gatewayId = ? ORDER BY client.displayName, client.id
            """, arguments: [gateway.id!]).filter { proper.contains($0.identityProviderId) }
        let previouslyLinked = try Registry.linkedClientIds(db, gatewayId: gateway.id!)
        var context = GatewayAppContext(
            gateway: gateway, environments: environments, apis: apis, identityProviderClients: byClientId,
            identityProviders: identityProviders, holderClients: holderClients, access: access,
            grantedIdentityProviderClients: granted, previouslyLinked: previouslyLinked)
        context.holderClientsByClientId = Dictionary(grouping: holderClients, by: \.clientId)
        context.holderClientsByObjectId = Dictionary(grouping: holderClients.filter { $0.objectId != nil }, by: { $0.objectId! })
        context.apisByRemoteId = Dictionary(apis.map { ($0.remoteId, $0) }, uniquingKeysWith: { first, _ in first })
        return context
    }
}
