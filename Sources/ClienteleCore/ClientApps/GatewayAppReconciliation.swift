import Foundation

/// A gateway app joined with the registry: the IdP client it is linked to by client id, the gateway-held
/// clients carrying its own secrets, the environments it is used in, and what the registry alone can tell of it.
struct LinkedGatewayApp: Sendable {
    var app: RemoteGatewayApp
    /// The IdP client whose client id the app carries (the secret that counts is then the IdP's).
    var linked: Client?
    /// The client id it is linked by; kept after the client is gone from the registry, so the app stays an orphan.
    var linkedClientId: String?
    var holders: [Client]
    var environmentIds: [Int64]
    var findings: [GatewayAppFinding]

    /// The registry client whose grants the app's contracts are compared with.
    var grantee: Client? { linked ?? holders.first }
}

/// The pure half of reconciliation, shared by `gateway sync`, `gateway drift` and the recorded view: linking,
/// environments, contracts against grants, and IdP clients the registry gives an API that have no app at the
/// gateway. What needs the IdP (is the client still there, does it accept the gateway's copy) is the service's.
extension GatewayAppContext {
    func link(_ app: RemoteGatewayApp) -> LinkedGatewayApp {
        let current = app.clientIds.first { identityProviderClients[$0] != nil }
        let linked = current.flatMap { identityProviderClients[$0] }
        let remembered = previouslyLinked[app.remoteId].flatMap { app.clientIds.contains($0) ? $0 : nil }
        let linkedClientId = current ?? remembered
        var seen = Set<Int64>()
        let holders = ((holderClientsByObjectId[app.remoteId] ?? []) + app.clientIds.flatMap { holderClientsByClientId[$0] ?? [] })
            .filter { seen.insert($0.id!).inserted }
        let environmentIds = environments(of: app)
        var linkedApp = LinkedGatewayApp(
            app: app, linked: linked, linkedClientId: linkedClientId, holders: holders,
            environmentIds: environmentIds, findings: [])
        linkedApp.findings = contractFindings(linkedApp)
        if linked == nil, let remembered {
            // Its client was deleted from the registry (`client delete`, or forgotten with its IdP): the app
            // lingers at the gateway with nobody behind it.
            linkedApp.findings.insert(GatewayAppFinding(
                kind: .orphanedAtGateway,
                detail: "client \(remembered) is no longer in the registry (deleted, or its IdP removed); delete the app at \(gateway.name), or register the client again"), at: 0)
        }
        return linkedApp
    }

    /// Its contracts' environments and the environments whose gateway environment it carries (Kong tags); every
    /// environment bound to the gateway when neither says (an org-wide Anypoint application without contracts).
    func environments(of app: RemoteGatewayApp) -> [Int64] {
        let contracted = Set(app.contracts.compactMap { apisByRemoteId[$0.apiRemoteId]?.environmentId })
        let named = Set(app.environments ?? [])
        let ids = environments.filter { environment in
            contracted.contains(environment.id!) || environment.gatewayEnvironment.map(named.contains) == true
        }.compactMap(\.id)
        return ids.isEmpty ? environments.compactMap(\.id) : ids
    }

    /// Active contracts against the grantee's grants, both ways, in the app's environments.
    func contractFindings(_ linked: LinkedGatewayApp) -> [GatewayAppFinding] {
        guard let grantee = linked.grantee else { return [] }
        let grants = Set((access[grantee.id!] ?? []).map { AccessKey(environmentId: $0.environmentId, api: $0.api) })
        var contracted = Set<AccessKey>()
        var findings: [GatewayAppFinding] = []
        for contract in linked.app.contracts where contract.isActive {
            guard let api = apisByRemoteId[contract.apiRemoteId] else { continue }
            let key = AccessKey(environmentId: api.environmentId, api: api.name)
            contracted.insert(key)
            if !grants.contains(key) {
                findings.append(GatewayAppFinding(
                    kind: .contractNotInRegistry, environmentId: api.environmentId, api: api.name,
                    detail: "has access to \(api.name) at \(gateway.name); the registry does not give \(grantee.displayName) that API in \(environmentName(api.environmentId))"))
            }
        }
        for grant in grants.sorted(by: { ($0.environmentId, $0.api) < ($1.environmentId, $1.api) })
        where linked.environmentIds.contains(grant.environmentId) && !contracted.contains(grant)
            && apis.contains(where: { $0.environmentId == grant.environmentId && $0.name == grant.api })
        {
            findings.append(GatewayAppFinding(
                kind: .contractMissingAtGateway, environmentId: grant.environmentId, api: grant.api,
                detail: "the registry gives \(grantee.displayName) \(grant.api) in \(environmentName(grant.environmentId)); the app has no contract for it at \(gateway.name)"))
        }
        return findings
    }

    /// IdP clients the registry gives an API of an environment, with no app at the gateway carrying their client
    /// id: their callers' tokens (or credentials) name a client the gateway does not know.
    func missingAtGateway(_ apps: [RemoteGatewayApp]) -> [GatewayAppDifference] {
        let carried = Set(apps.flatMap(\.clientIds))
        var differences: [GatewayAppDifference] = []
        for client in grantedIdentityProviderClients where !carried.contains(client.clientId) {
            for environment in environments {
                let apis = (access[client.id!] ?? []).filter { $0.environmentId == environment.id }.map(\.api).sorted()
                guard !apis.isEmpty else { continue }
                differences.append(GatewayAppDifference(
                    environment: environment.name, gateway: gateway.name, app: nil, client: client.displayName,
                    clientRowId: client.id, clientId: client.clientId,
                    finding: GatewayAppFinding(
                        kind: .missingAtGateway, environmentId: environment.id,
                        detail: "the registry gives \(client.displayName) (\(client.clientId), IdP \(identityProviders[client.identityProviderId]?.name ?? "?")) \(apis.joined(separator: ", ")) in \(environment.name), and \(gateway.name) has no app with that client id")))
            }
        }
        return differences
    }

    /// Every finding of these apps in each environment it concerns (an app-wide one in each of the app's
    /// environments), then the IdP clients missing at the gateway; in environment order.
    func differences(_ apps: [LinkedGatewayApp]) -> [GatewayAppDifference] {
        var byEnvironment: [Int64: [GatewayAppDifference]] = [:]
        for linked in apps {
            let client = linked.linked ?? linked.holders.first
            for finding in linked.findings {
                for environmentId in finding.environmentId.map({ [$0] }) ?? linked.environmentIds {
                    byEnvironment[environmentId, default: []].append(GatewayAppDifference(
                        environment: environmentName(environmentId), gateway: gateway.name,
                        app: "\(linked.app.kind.label) \(linked.app.name)", client: client?.displayName,
                        clientRowId: client?.id, clientId: client?.clientId ?? linked.linkedClientId ?? linked.app.clientIds.first,
                        finding: finding))
                }
            }
        }
        for missing in missingAtGateway(apps.map(\.app)) {
            byEnvironment[missing.finding.environmentId!, default: []].append(missing)
        }
        return environments.flatMap { byEnvironment[$0.id!] ?? [] }
    }

    func environmentName(_ id: Int64) -> String { environments.first { $0.id == id }?.name ?? "environment #\(id)" }
}

private struct AccessKey: Hashable {
    var environmentId: Int64
    var api: String
}
