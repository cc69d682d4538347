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
        let now = registry.clock.now
        let idpId = idp.id!
        // An app whose client id is an IdP's client carries a copy of the IdP's secret, not one of the gateway's
        // own: `gateway drift` checks that copy, and the IdP's sync tracks the secret. Apps once linked whose
        // client has gone since are orphans holding a stale copy, not the gateway's.
        let copies = idp.kind == .gateway ? try registry.clientIdsHeldAsCopies(byGateway: idp.settings.gatewayId ?? -1) : []
        var ledger = try registry.syncLedger(identityProviderId: idpId)
        var report = SyncReport(
            identityProvider: idp.name, clientsAtIdP: 0, importedClients: [], secretsUnknownToRegistry: [],
            secretsGoneAtIdP: [], clientsGoneAtIdP: [], expiriesUpdated: [], dryRun: dryRun, seconds: 0)

        // Pages are compared and recorded while the IdP sends the next ones, in a transaction each time the
        // registry is free for one, covering every page that arrived meanwhile (so no write holds the registry's
        // writers waiting on the network, and a fast IdP costs few commits). The newest page waits for the next
        // one, so the last page is recorded in the transaction that decides what is gone, which needs them all.
        var held: (plan: SyncPlan, page: Int)?
        var pages = 0
        func record(_ plan: SyncPlan, throughPage page: Int, completing: SyncCompletion?) throws {
            let rowIds = try registry.recordSyncPage(
                plan, throughPage: page, identityProvider: idp, completing: completing, at: now, actor: actor)
            ledger.imported(plan.newClients, rowIds: rowIds)
        }
        let listing = PageQueue()
        for try await _ in listing.pages(of: adapter) {
            var due: (plan: SyncPlan, page: Int)?
            for page in listing.drain() {
                pages += 1
                let plan = ledger.plan(page: page.filter { !copies.contains($0.clientId) })
                report.importedClients += plan.newClients.map(\.displayName)
                report.secretsUnknownToRegistry += plan.unknownSecrets
                report.expiriesUpdated += plan.changedExpiries.map(\.drift)
                if let previous = held {
                    due = (due.map { $0.plan.followed(by: previous.plan) } ?? previous.plan, previous.page)
                }
                held = (plan, pages)
            }
            if let due, !dryRun { try record(due.plan, throughPage: due.page, completing: nil) }
        }
        let gone = ledger.goneSide()
        report.clientsAtIdP = ledger.clientsListed
        report.secretsGoneAtIdP = gone.goneSecrets
        report.clientsGoneAtIdP = gone.goneClients
        progress("\(idp.name) lists \(report.clientsAtIdP) clients; compared with the registry")
        if !dryRun {
            try record(
                held?.plan ?? SyncPlan(), throughPage: max(pages, 1),
                completing: SyncCompletion(
                    gone: gone, clientsAtIdP: report.clientsAtIdP, imported: report.importedClients.count,
                    secretsFound: report.secretsUnknownToRegistry.count))
            report.usageNote = await SecretUsageReader(registry: registry).refresh(idp, adapter: adapter)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

}
