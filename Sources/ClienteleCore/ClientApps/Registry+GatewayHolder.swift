import Foundation

/// A gateway's holder: the IdP row (kind `gateway`, named after the gateway) whose clients are the secrets the
/// gateway validates itself, so sync, `secrets expiring` and rotation reach them as they reach an IdP's.
extension Registry {
    /// The gateway's holder, made on first use (a registry from before client apps has gateways without one).
    public func gatewayHolder(of gateway: Gateway) throws -> IdentityProvider {
        let now = clock.now
        return try write { transaction in try Self.gatewayHolder(transaction, of: gateway, at: now) }
    }

    static func gatewayHolder(_ transaction: StoreTransaction, of gateway: Gateway, at now: Date) throws
        -> IdentityProvider
    {
        if let holder = try existingGatewayHolder(transaction, of: gateway) { return holder }
        let d = transaction.dialect
        if let taken = try transaction.record(
            IdentityProvider.self, "WHERE \(d.caseInsensitive("name")) = \(d.caseInsensitive("?"))", [.text(gateway.name)])
        {
            throw ClienteleError.conflict(
                "gateway \(gateway.name): the identity provider '\(taken.name)' has its name, and a gateway's own secrets are listed under the gateway's name; rename one of them (remove and add it again)")
        }
        var holder = IdentityProvider(
            name: gateway.name, kind: .gateway, settings: IdentityProviderSettings(gatewayId: gateway.id),
            credentialSource: gateway.credentialSource, createdAt: now)
        try transaction.insert(&holder)
        return holder
    }

    /// Forgets a removed gateway's holder and the secrets it listed (nothing changes at the gateway).
    static func removeGatewayHolder(_ transaction: StoreTransaction, of gateway: Gateway) throws -> Int {
        guard let holder = try existingGatewayHolder(transaction, of: gateway) else { return 0 }
        let clients = try transaction.execute("DELETE FROM client WHERE identityProviderId = ?", holder.id!)
        try transaction.delete(IdentityProvider.self, id: holder.id!)
        return clients
    }

    /// The holder names its gateway in its settings (a JSON column), so the few gateway holders are read and matched.
    private static func existingGatewayHolder(_ transaction: StoreTransaction, of gateway: Gateway) throws
        -> IdentityProvider?
    {
        try transaction.records(
            IdentityProvider.self, "WHERE kind = ? ORDER BY id", [IdentityProviderKind.gateway.storeValue]
        ).first { $0.settings.gatewayId == gateway.id }
    }
}
