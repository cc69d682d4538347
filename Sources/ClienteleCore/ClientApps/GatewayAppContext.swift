import Foundation

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

    static func read(_ transaction: StoreTransaction, gateway: Gateway, clientIds: Set<String>) throws -> GatewayAppContext {
        let d = transaction.dialect
        let gatewayId = StoreValue.integer(gateway.id!)
        let environments = try transaction.records(
            Environment.self, "WHERE gatewayId = ? ORDER BY \(Environment.displayOrder(d))", [gatewayId])
        let environmentIds = environments.compactMap(\.id)
        let apis = try transaction.records(GatewayAPIRecord.self, "WHERE gatewayId = ? ORDER BY id", [gatewayId])
        let identityProviders = Dictionary(
            try transaction.records(IdentityProvider.self, "ORDER BY id").map { ($0.id!, $0) },
            uniquingKeysWith: { first, _ in first })
        let proper = Set(identityProviders.values.filter { $0.kind != .gateway }.compactMap(\.id))
        var byClientId: [String: Client] = [:]
        let wanted = Array(clientIds)
        // Chunked: SQLite binds at most 32,766 values in one statement.
        for start in stride(from: 0, to: wanted.count, by: 5_000) {
            let chunk = wanted[start..<min(start + 5_000, wanted.count)]
            for client in try transaction.records(
                Client.self, "WHERE clientId IN (\(placeholders(chunk.count))) ORDER BY id", chunk.map(\.storeValue))
            where proper.contains(client.identityProviderId) && byClientId[client.clientId] == nil {
                byClientId[client.clientId] = client
            }
        }
        let holder = identityProviders.values.first { $0.kind == .gateway && $0.settings.gatewayId == gateway.id }
        let holderClients = try holder.map {
            try transaction.records(Client.self, "WHERE identityProviderId = ? ORDER BY id", [.integer($0.id!)])
        } ?? []
        let access = Dictionary(
            grouping: environmentIds.isEmpty ? [] : try transaction.fetchAll(
                """
                SELECT \(ClientAccess.selection) FROM clientAccess
                WHERE environmentId IN (\(placeholders(environmentIds.count)))
                ORDER BY clientRowId, environmentId, api
                """, environmentIds.map(\.storeValue), ClientAccess.init(row:)),
            by: \.clientRowId)
        let granted = try transaction.records(
            Client.self, """
                WHERE id IN (SELECT clientAccess.clientRowId FROM clientAccess
                    JOIN environment ON environment.id = clientAccess.environmentId WHERE environment.gatewayId = ?)
                ORDER BY \(d.caseInsensitive("displayName")), id
                """, [gatewayId]
        ).filter { proper.contains($0.identityProviderId) }
        let previouslyLinked = try Registry.linkedClientIds(transaction, gatewayId: gateway.id!)
        var context = GatewayAppContext(
            gateway: gateway, environments: environments, apis: apis, identityProviderClients: byClientId,
            identityProviders: identityProviders, holderClients: holderClients, access: access,
            grantedIdentityProviderClients: granted, previouslyLinked: previouslyLinked)
        context.holderClientsByClientId = Dictionary(grouping: holderClients, by: \.clientId)
        context.holderClientsByObjectId = Dictionary(grouping: holderClients.filter { $0.objectId != nil }, by: { $0.objectId! })
        context.apisByRemoteId = Dictionary(apis.map { ($0.remoteId, $0) }, uniquingKeysWith: { first, _ in first })
        return context
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
