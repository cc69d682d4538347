import Foundation

/// The demo gateways' client side, so the client page, Expiring and the Drift screen show it on first open:
/// Anypoint applications made by its external client provider at the Entra sandbox (most in step, one whose copy
/// of the secret was reset in Anypoint, one whose client was deleted at the IdP, one with a contract the registry
/// does not give), two applications Anypoint validates itself, and Kong consumers whose key-auth keys expire soon.
struct DemoClientApps {
    let registry: Registry
    let home: SandboxHome
    let clock: ClienteleClock

    static let external = [
        "Storefront Checkout", "Partner Orders Feed", "Mobile Wallet", "Loyalty Points Sync", "Warehouse Picker",
    ]
    static let stale = "Invoice Mailer"
    static let orphaned = "Retired Kiosk"
    static let overreaching = "Price Watcher"
    static let anypointHeld = ["Legacy Partner Portal", "Batch Reconciler"]
    /// Kong consumers: name, tags, and each key's expiry in days from now (nil: no ttl).
    static let consumers: [(name: String, tags: [String], keys: [Double?])] = [
        ("billing-batch", ["prod"], [5, 200]),
        ("partner-feed", ["prod"], [12]),
        ("mobile-app", ["test"], [nil]),
        ("legacy-crm", ["test", "prod"], [-3]),
    ]

    /// The clients these add beside the generated estate: those Anypoint's client provider registered, and the
    /// sets of secrets the gateways hold themselves.
    static var clientCount: Int { external.count + 3 + anypointHeld.count + consumers.count }

    func seed(entra: SandboxIdentityProvider, entraRecord: IdentityProvider, now: Date, actor: String) async throws {
        let anypoint = try DemoGateways.sandbox(DemoGateways.anypoint, imitating: .anypoint, in: home, clock: clock)
        let kong = try DemoGateways.sandbox(DemoGateways.kong, imitating: .kong, in: home, clock: clock)
        let sandboxEnvironment = DemoGateways.bindings["Sandbox"]!.gatewayEnvironment
        let devEnvironment = DemoGateways.bindings["Dev"]!.gatewayEnvironment

        // Anypoint's external client provider registered each of these at Entra when a consumer asked for access,
        // and keeps the secret it was given as its copy.
        var random = SeededRandom(seed: 11)
        for name in Self.external + [Self.stale, Self.orphaned, Self.overreaching] {
            var remote = RemoteClient(clientId: random.uuid(), objectId: random.uuid(), displayName: name, secrets: [])
            try entra.seed([remote])
            let secret = try await entra.addSecret(
                to: RemoteClientReference(clientId: remote.clientId, objectId: remote.objectId),
                displayName: "Anypoint client provider", expiresAt: now + 365 * 86_400)
            remote.secrets = [secret.metadata]
            let client = try registry.recordClient(
                remote, identityProvider: entraRecord, environments: ["Sandbox"], ownerTeam: "digital-channels",
                origin: .discovered, actor: actor)
            var contracts: [(api: String, environment: String?)] = [("orders-api", sandboxEnvironment)]
            if name == Self.overreaching { contracts.append(("payments-api", sandboxEnvironment)) }
            try anypoint.seedApp(remoteId: DemoGateways.uuid("application-\(name)"), name: name,
                                 clientIds: [remote.clientId], contracts: contracts,
                                 secrets: [(secret.text, now, nil)])
            try registry.grantAccess(client: "#\(client.id!)", environment: "Sandbox", api: "orders-api", actor: actor)
            // Someone pressed "Reset Secret" in Anypoint: Anypoint's copy changed, Entra's secret did not.
            if name == Self.stale { try anypoint.resetSecretByHand(app: name) }
            // The client was deleted in Entra; its Anypoint application lingers.
            if name == Self.orphaned { try await entra.deleteClient(RemoteClientReference(clientId: remote.clientId)) }
        }
        // Applications under client-id enforcement that Anypoint validates itself: no IdP involved.
        for name in Self.anypointHeld {
            try anypoint.seedApp(
                remoteId: DemoGateways.uuid("application-\(name)"), name: name, clientIds: [String(random.uuid().replacingOccurrences(of: "-", with: "").prefix(32))],
                contracts: [("orders-api", devEnvironment)], secrets: [(SecretGenerator.make(), now - 400 * 86_400, nil)])
        }
        for consumer in Self.consumers {
            try kong.seedApp(
                remoteId: DemoGateways.uuid("consumer-\(consumer.name)"), name: consumer.name, clientIds: [], environments: consumer.tags,
                secrets: consumer.keys.map { days in
                    (SecretGenerator.make(), now - 90 * 86_400, days.map { now + $0 * 86_400 })
                })
        }

        let gatewayAdapters = StandardGatewayAdapters(registry: registry)
        let service = GatewayAppService(
            registry: registry, gateways: gatewayAdapters,
            identityProviders: StandardAdapters(registry: registry, gatewayAdapters: gatewayAdapters))
        for report in await service.sync(adopt: false, actor: actor) {
            if let error = report.error { throw ClienteleError.gateway("demo: client apps of \(report.gateway): \(error)") }
        }
        // The registry gives Anypoint's own applications what they were granted there; then the gateways are
        // read again so what is recorded is what the Drift screen will find.
        for name in Self.anypointHeld {
            try registry.grantAccess(client: name, environment: "Dev", api: "orders-api", actor: actor)
        }
        for report in await service.drift(actor: actor) {
            if let error = report.error { throw ClienteleError.gateway("demo: client apps of \(report.gateway): \(error)") }
        }
    }
}
