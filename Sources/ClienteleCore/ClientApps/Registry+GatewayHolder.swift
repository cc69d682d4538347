import Foundation
import GRDB

/// A gateway's holder: the IdP row (kind `gateway`, named after the gateway) whose clients are the secrets the
/// gateway validates itself, so sync, `secrets expiring` and rotation reach them as they reach an IdP's.
extension Registry {
    /// The gateway's holder, made on first use (a registry from before client apps has gateways without one).
    public func gatewayHolder(of gateway: Gateway) throws -> IdentityProvider {
        let now = clock.now
        return try sqliteWrite { db in try Self.gatewayHolder(db, of: gateway, at: now) }
    }

    static func gatewayHolder(_ db: Database, of gateway: Gateway, at now: Date) throws -> IdentityProvider {
        let holders = try IdentityProvider.filter(Column("kind") == IdentityProviderKind.gateway.rawValue).fetchAll(db)
        if let holder = holders.first(where: { $0.settings.gatewayId == gateway.id }) { return holder }
        if let taken = try IdentityProvider.filter(Column("name").collating(.nocase) == gateway.name).fetchOne(db) {
            throw ClienteleError.conflict(
                "gateway \(gateway.name): the identity provider '\(taken.name)' has its name, and a gateway's own secrets are listed under the gateway's name; rename one of them (remove and add it again)")
        }
        var holder = IdentityProvider(
            name: gateway.name, kind: .gateway, settings: IdentityProviderSettings(gatewayId: gateway.id),
            credentialSource: gateway.credentialSource, createdAt: now)
        try holder.insert(db)
        return holder
    }

    /// Forgets a removed gateway's holder and the secrets it listed (nothing changes at the gateway).
    static func removeGatewayHolder(_ db: Database, of gateway: Gateway) throws -> Int {
        let holders = try IdentityProvider.filter(Column("kind") == IdentityProviderKind.gateway.rawValue).fetchAll(db)
        guard let holder = holders.first(where: { $0.settings.gatewayId == gateway.id }) else { return 0 }
        let clients = try Client.filter(Column("identityProviderId") == holder.id!).deleteAll(db)
        _ = try holder.delete(db)
        return clients
    }
}
