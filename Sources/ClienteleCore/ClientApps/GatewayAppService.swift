import Foundation

/// Reconciles each gateway's client apps with the registry and the IdPs (`gateway sync`, `gateway drift`): an
/// app whose client the IdP no longer has, an IdP client the registry gives an API but the gateway has no app for, a copy
/// of a secret the IdP rejects (asked of the IdP with the copy, which is never kept), and contracts against what
/// the registry grants. Sync also imports the secrets the gateway holds itself, under its holder, so they expire
/// and rotate as an IdP's do.
public struct GatewayAppService: Sendable {
    /// How many apps' copies are checked at once: enough to hide the IdP's latency, few enough not to be throttled.
    static let concurrentChecks = 8

    let registry: Registry
    let gateways: any GatewayAdapters
    let identityProviders: any IdentityProviderAdapters
    /// False for a read-only console: it reads the gateways and the IdPs but records nothing.
    let recordsReads: Bool

    public init(registry: Registry, gateways: any GatewayAdapters, identityProviders: any IdentityProviderAdapters,
                recordsReads: Bool = true)
    {
        self.registry = registry
        self.gateways = gateways
        self.identityProviders = identityProviders
        self.recordsReads = recordsReads
    }

    /// Every bound gateway's apps, checked against the IdPs, recorded, and compared (`gateway drift`).
    public func drift(gateway name: String? = nil, actor: String) async -> [GatewayAppReport] {
        await eachGateway(name) { gateway in
            let inspection = try await inspect(gateway)
            if recordsReads {
                try registry.recordGatewayApps(inspection.apps, at: gateway, checkedAt: inspection.checkedAt, actor: actor)
            }
            return GatewayAppReport(gateway: gateway.name, apps: inspection.apps.count,
                                    differences: inspection.differences)
        }
    }

    /// Imports the secrets the gateway holds itself, then its apps (checked as drift does); with `adopt`, the
    /// gateway's contracts become the registry's grants.
    public func sync(gateway name: String? = nil, adopt: Bool, actor: String) async -> [GatewayAppReport] {
        await eachGateway(name) { gateway in
            let holder = try registry.gatewayHolder(of: gateway)
            let held = try await SyncService(registry: registry, adapters: identityProviders).sync(idp: holder, actor: actor)
            var inspection = try await inspect(gateway)
            var adopted: [String] = []
            if adopt {
                adopted = try registry.adoptContracts(inspection.apps, at: gateway, actor: actor)
                inspection = try regranted(inspection, at: gateway)
            }
            let (found, gone) = try registry.recordGatewayApps(
                inspection.apps, at: gateway, checkedAt: inspection.checkedAt, actor: actor)
            return GatewayAppReport(
                gateway: gateway.name, apps: inspection.apps.count, differences: inspection.differences,
                heldClients: held.clientsAtIdP, heldSecretsFound: held.secretsUnknownToRegistry.count,
                heldSecretsGone: held.secretsGoneAtIdP.count, appsFound: found, appsGone: gone, adopted: adopted)
        }
    }

    private func eachGateway(_ name: String?, _ body: (Gateway) async throws -> GatewayAppReport) async
        -> [GatewayAppReport]
    {
        let all: [Gateway]
        do {
            let bound = Set(try registry.environments().compactMap(\.gatewayId))
            all = try name.map { [try registry.gateway(named: $0)] } ?? registry.gateways().filter { bound.contains($0.id!) }
        } catch {
            return [GatewayAppReport(gateway: name ?? "", error: Self.text(error))]
        }
        var reports: [GatewayAppReport] = []
        for gateway in all {
            do { reports.append(try await body(gateway)) } catch {
                reports.append(GatewayAppReport(gateway: gateway.name, error: Self.text(error)))
            }
        }
        return reports
    }

    struct Inspection: Sendable {
        var apps: [LinkedGatewayApp]
        var differences: [GatewayAppDifference]
        var checkedAt: Date?
    }

    /// Reads the gateway's apps and links them, then asks each linked app's IdP whether its client is still there
    /// and whether it accepts the gateway's copy of the secret.
    func inspect(_ gateway: Gateway) async throws -> Inspection {
        let adapter = try gateways.adapter(for: gateway)
        let remote = try await adapter.clientApps()
        let context = try registry.gatewayAppContext(gateway, clientIds: Set(remote.flatMap(\.clientIds)))
        var apps = remote.map(context.link)
        let idpFindings = await identityProviderFindings(apps, adapter: adapter, context: context)
        for index in apps.indices { apps[index].findings = idpFindings[index] + apps[index].findings }
        return Inspection(apps: apps, differences: context.differences(apps), checkedAt: registry.clock.now)
    }

    /// The same apps compared again with what the registry now grants (after an adopt), keeping what the IdPs said.
    func regranted(_ inspection: Inspection, at gateway: Gateway) throws -> Inspection {
        let context = try registry.gatewayAppContext(gateway, clientIds: Set(inspection.apps.flatMap(\.app.clientIds)))
        let contractKinds: Set<GatewayAppFindingKind> = [.contractNotInRegistry, .contractMissingAtGateway]
        var apps = inspection.apps
        for index in apps.indices {
            apps[index].findings = apps[index].findings.filter { !contractKinds.contains($0.kind) }
                + context.contractFindings(apps[index])
        }
        return Inspection(apps: apps, differences: context.differences(apps), checkedAt: inspection.checkedAt)
    }

    /// Per app (in order): gone at its IdP, or a copy the IdP rejects, or what could not be asked.
    private func identityProviderFindings(
        _ apps: [LinkedGatewayApp], adapter: any GatewayAdapter, context: GatewayAppContext
    ) async -> [[GatewayAppFinding]] {
        var present: [Int64: Result<Set<String>, ClienteleError>] = [:]
        for (idpId, linked) in Dictionary(grouping: apps.compactMap(\.linked), by: \.identityProviderId) {
            guard let idp = context.identityProviders[idpId] else { continue }
            do {
                present[idpId] = .success(try await presentClientIds(linked, at: idp))
            } catch {
                present[idpId] = .failure(ClienteleError.identityProvider(Self.text(error)))
            }
        }
        var findings = Array(repeating: [GatewayAppFinding](), count: apps.count)
        var copiesToCheck: [Int] = []
        for (index, app) in apps.enumerated() {
            guard let client = app.linked, let idp = context.identityProviders[client.identityProviderId] else { continue }
            switch present[client.identityProviderId] {
            case .success(let ids) where !ids.contains(client.clientId):
                findings[index].append(GatewayAppFinding(
                    kind: .orphanedAtGateway,
                    detail: "client \(client.clientId) (\(client.displayName)) is gone at IdP \(idp.name); delete the app at \(context.gateway.name), or register the client again"))
            case .failure(let error):
                findings[index].append(GatewayAppFinding(
                    kind: .notChecked, detail: "could not ask IdP \(idp.name) about \(client.clientId): \(error.description)"))
            default:
                if app.app.showsSecretCopy { copiesToCheck.append(index) }
            }
        }
        for start in stride(from: 0, to: copiesToCheck.count, by: Self.concurrentChecks) {
            let batch = copiesToCheck[start..<min(start + Self.concurrentChecks, copiesToCheck.count)]
            let results = await withTaskGroup(of: (Int, GatewayAppFinding?).self) { group in
                for index in batch {
                    let app = apps[index]
                    group.addTask {
                        (index, await copyFinding(app, adapter: adapter, context: context))
                    }
                }
                var collected: [(Int, GatewayAppFinding?)] = []
                for await result in group { collected.append(result) }
                return collected
            }
            for (index, finding) in results { if let finding { findings[index].append(finding) } }
        }
        return findings
    }

    /// Linked clients up to this many are asked for one by one; more, and one listing of the IdP is cheaper. A
    /// gateway links a few dozen apps where a tenant may hold 100,000 applications (a hundred pages of Graph).
    static let lookupsBeforeListing = 64

    /// Which of `clients` (all of IdP `idp`) the IdP still has, by client id.
    private func presentClientIds(_ clients: [Client], at idp: IdentityProvider) async throws -> Set<String> {
        let adapter = try identityProviders.adapter(for: idp)
        let wanted = Dictionary(clients.map { ($0.clientId, $0) }, uniquingKeysWith: { first, _ in first })
        guard wanted.count <= Self.lookupsBeforeListing else {
            return Set(try await adapter.discoverClients().map(\.clientId)).intersection(wanted.keys)
        }
        var present: Set<String> = []
        let ordered = Array(wanted.values)
        for start in stride(from: 0, to: ordered.count, by: Self.concurrentChecks) {
            let batch = ordered[start..<min(start + Self.concurrentChecks, ordered.count)]
            try await withThrowingTaskGroup(of: String?.self) { group in
                for client in batch {
                    group.addTask { try await adapter.client(RemoteClientReference(client)) == nil ? nil : client.clientId }
                }
                for try await found in group { if let found { present.insert(found) } }
            }
        }
        return present
    }

    /// Asks the IdP whether the copy the gateway shows still works, as a rotation's verification would.
    private func copyFinding(_ app: LinkedGatewayApp, adapter: any GatewayAdapter, context: GatewayAppContext) async
        -> GatewayAppFinding?
    {
        guard let client = app.linked, let clientId = app.linkedClientId,
            let idp = context.identityProviders[client.identityProviderId]
        else { return nil }
        do {
            guard let copy = try await adapter.secretCopy(of: app.app, clientId: clientId) else { return nil }
            switch try await identityProviders.adapter(for: idp).verify(copy, for: RemoteClientReference(client)) {
            case .accepted:
                return nil
            case .rejected(let reason):
                return GatewayAppFinding(
                    kind: .staleSecretCopy,
                    detail: "IdP \(idp.name) rejects the copy of \(client.displayName)'s secret that \(context.gateway.name) shows (\(reason)); the IdP's secret is the one that counts: give the app the current secret, never reset it at the gateway")
            case .couldNotVerify(let reason):
                return GatewayAppFinding(
                    kind: .notChecked, detail: "could not check the copy of \(client.displayName)'s secret with IdP \(idp.name): \(reason)")
            }
        } catch {
            return GatewayAppFinding(
                kind: .notChecked, detail: "could not check the copy of \(client.displayName)'s secret: \(Self.text(error))")
        }
    }

    static func text(_ error: any Error) -> String { (error as? ClienteleError)?.description ?? String(describing: error) }
}

/// What `gateway sync` or `gateway drift` found at one gateway's client side.
public struct GatewayAppReport: Sendable, Codable {
    public var gateway: String
    public var apps: Int = 0
    public var differences: [GatewayAppDifference] = []
    /// Sync only: the gateway's own secrets, as its holder reports them.
    public var heldClients: Int?
    public var heldSecretsFound: Int?
    public var heldSecretsGone: Int?
    public var appsFound: [String] = []
    public var appsGone: [String] = []
    public var adopted: [String] = []
    public var error: String?

    public init(gateway: String, apps: Int = 0, differences: [GatewayAppDifference] = [], heldClients: Int? = nil,
                heldSecretsFound: Int? = nil, heldSecretsGone: Int? = nil, appsFound: [String] = [],
                appsGone: [String] = [], adopted: [String] = [], error: String? = nil)
    {
        self.gateway = gateway
        self.apps = apps
        self.differences = differences
        self.heldClients = heldClients
        self.heldSecretsFound = heldSecretsFound
        self.heldSecretsGone = heldSecretsGone
        self.appsFound = appsFound
        self.appsGone = appsGone
        self.adopted = adopted
        self.error = error
    }

    public var hasDrift: Bool { differences.contains { $0.finding.kind.isDrift } }
}
