import Foundation

/// Imports clients and secret metadata from an IdP and reports drift both ways. The IdP is the truth for what
/// exists; the registry keeps what only it knows (environments, owners, notes, rotation history).
public struct SyncService: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    public func sync(
        idp: IdentityProvider, actor: String, dryRun: Bool = false,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> SyncReport {
        let started = Date()
        let adapter = try adapters.adapter(for: idp)
        progress("asking \(idp.name) for its clients…")
        var discovered = try await adapter.discoverClients()
        let now = registry.clock.now
        let idpId = idp.id!
        if idp.kind == .gateway {
            // An app whose client id is an IdP's client carries a copy of the IdP's secret, not one of the
            // gateway's own: `gateway drift` checks that copy, and the IdP's sync tracks the secret.
            // Apps once linked whose client has gone since are orphans holding a stale copy, not the gateway's.
            let copies = try registry.clientIdsHeldAsCopies(byGateway: idp.settings.gatewayId ?? -1)
            discovered.removeAll { copies.contains($0.clientId) }
        }
        let remote = discovered
        progress("\(idp.name) lists \(remote.count) clients; comparing with the registry…")

        let plan = try registry.syncPlan(identityProviderId: idpId, remote: remote)
        var report = SyncReport(
            identityProvider: idp.name, clientsAtIdP: remote.count, importedClients: plan.newClients.map(\.displayName),
            secretsUnknownToRegistry: plan.unknownSecrets, secretsGoneAtIdP: plan.goneSecrets,
            clientsGoneAtIdP: plan.goneClients, expiriesUpdated: plan.changedExpiries.map(\.drift), dryRun: dryRun,
            seconds: 0)
        if !dryRun {
            try registry.applySyncPlan(plan, identityProvider: idp, clientsAtIdP: remote.count, at: now, actor: actor)
            report.usageNote = await SecretUsageReader(registry: registry).refresh(idp, adapter: adapter)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
