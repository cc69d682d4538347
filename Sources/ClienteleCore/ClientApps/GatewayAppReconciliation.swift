import Foundation

/// A gateway app joined with the registry: the IdP client it is linked to by client id, the gateway-held
/// clients carrying its own secrets, the environments it is used in, and what the registry alone can tell of it.
struct LinkedGatewayApp: Sendable {
    var app: RemoteGatewayApp
    /// The IdP client whose client id the app carries (the secret that counts is then the IdP's).
    var linked: Client?
    var linkedClientId: String?
    var holders: [Client]
    var environmentIds: [Int64]
    var findings: [GatewayAppFinding]

    /// The registry client whose grants the app's contracts are compared with.
    var grantee: Client? { linked ?? holders.first }
}

/// The pure half of reconciliation, shared by `gateway sync`, `gateway drift` and the recorded view: linking,
/// environments, contracts against grants, and IdP clients a token-enforcing environment lacks an app for. What
/// needs the IdP (is the client still there, does it accept the gateway's copy) is the service's.
extension GatewayAppContext {
    func link(_ app: RemoteGatewayApp) -> LinkedGatewayApp {
        let linkedClientId = app.clientIds.first { identityProviderClients[$0] != nil }
        let linked = linkedClientId.flatMap { identityProviderClients[$0] }
        let names = Set(app.clientIds)
        let holders = holderClients.filter { names.contains($0.clientId) || $0.objectId == app.remoteId }
        let environmentIds = environments(of: app)
        var linkedApp = LinkedGatewayApp(
            app: app, linked: linked, linkedClientId: linkedClientId, holders: holders,
            environmentIds: environmentIds, findings: [])
        linkedApp.findings = unknownClientFindings(linkedApp) + contractFindings(linkedApp)
        return linkedApp
    }

    /// Its contracts' environments and the environments whose gateway environment it carries (Kong tags); every
    /// environment bound to the gateway when neither says (an org-wide Anypoint application without contracts).
    func environments(of app: RemoteGatewayApp) -> [Int64] {
        let contracted = Set(app.contracts.compactMap { contract in
            apis.first { $0.remoteId == contract.apiRemoteId }?.environmentId
        })
        let named = Set(app.environments ?? [])
        let ids = environments.filter { environment in
            contracted.contains(environment.id!) || environment.gatewayEnvironment.map(named.contains) == true
        }.compactMap(\.id)
        return ids.isEmpty ? environments.compactMap(\.id) : ids
    }

    /// An app with client ids but no IdP client behind any of them, in an environment that enforces IdP tokens:
    /// its callers cannot get a token.
    private func unknownClientFindings(_ linked: LinkedGatewayApp) -> [GatewayAppFinding] {
        guard linked.linked == nil, let clientId = linked.app.clientIds.first else { return [] }
        return linked.environmentIds.filter(tokenEnforced.contains).map { environmentId in
            GatewayAppFinding(
                kind: .orphanedAtGateway, environmentId: environmentId,
                detail: "client id \(clientId) is no client of any IdP in the registry, and \(environmentName(environmentId)) enforces IdP tokens (sync the IdP, or delete the app at \(gateway.name))")
        }
    }

    /// Active contracts against the grantee's grants, both ways, in the app's environments.
    func contractFindings(_ linked: LinkedGatewayApp) -> [GatewayAppFinding] {
        guard let grantee = linked.grantee else { return [] }
        let grants = Set((access[grantee.id!] ?? []).map { AccessKey(environmentId: $0.environmentId, api: $0.api) })
        var contracted = Set<AccessKey>()
        var findings: [GatewayAppFinding] = []
        for contract in linked.app.contracts where contract.isActive {
            guard let api = apis.first(where: { $0.remoteId == contract.apiRemoteId }) else { continue }
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

    /// IdP clients of a token-enforcing environment that no app at the gateway carries the client id of.
    func missingAtGateway(_ apps: [RemoteGatewayApp]) -> [GatewayAppDifference] {
        let carried = Set(apps.flatMap(\.clientIds))
        var differences: [GatewayAppDifference] = []
        for environment in environments where tokenEnforced.contains(environment.id!) {
            for client in tokenEnforcedMembers[environment.id!] ?? [] where !carried.contains(client.clientId) {
                differences.append(GatewayAppDifference(
                    environment: environment.name, gateway: gateway.name, app: nil, client: client.displayName,
                    clientRowId: client.id, clientId: client.clientId,
                    finding: GatewayAppFinding(
                        kind: .missingAtGateway, environmentId: environment.id,
                        detail: "\(client.displayName) (\(client.clientId), IdP \(identityProviders[client.identityProviderId]?.name ?? "?")) belongs to \(environment.name), which enforces IdP tokens, and has no application at \(gateway.name)")))
            }
        }
        return differences
    }

    /// Every finding of these apps in each environment it concerns (an app-wide one in each of the app's
    /// environments), then the IdP clients missing at the gateway; in environment order.
    func differences(_ apps: [(app: RemoteGatewayApp, client: Client?, environmentIds: [Int64], findings: [GatewayAppFinding])])
        -> [GatewayAppDifference]
    {
        var byEnvironment: [Int64: [GatewayAppDifference]] = [:]
        for entry in apps {
            for finding in entry.findings {
                for environmentId in finding.environmentId.map({ [$0] }) ?? entry.environmentIds {
                    byEnvironment[environmentId, default: []].append(GatewayAppDifference(
                        environment: environmentName(environmentId), gateway: gateway.name,
                        app: "\(entry.app.kind.label) \(entry.app.name)", client: entry.client?.displayName,
                        clientRowId: entry.client?.id, clientId: entry.client?.clientId ?? entry.app.clientIds.first,
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
