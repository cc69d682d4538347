import Foundation

/// One OAuth client id as the gateway holds it: a copy per API (Tyk keeps clients per API, and a policy's client
/// is copied to each OAuth API of the policy). The copies are sorted by API id; the first is the one Clientele
/// addresses it by (the holder's `objectId`), reads its secret from, and rotates.
struct TykHeldClient: Sendable {
    struct Copy: Sendable {
        var apiId: String
        var orgId: String?
        var client: TykOAuthClient
    }

    var copies: [Copy]

    var primary: Copy { copies[0] }
    var clientId: String { primary.client.clientId }

    /// Groups what each API listed by client id; an API's `org_id` goes with its copies.
    static func grouping(_ listed: [(apiId: String, orgId: String?, clients: [TykOAuthClient])]) -> [TykHeldClient] {
        var byId: [String: [Copy]] = [:]
        for api in listed {
            for client in api.clients { byId[client.clientId, default: []].append(Copy(apiId: api.apiId, orgId: api.orgId, client: client)) }
        }
        return byId.keys.sorted().map { id in TykHeldClient(copies: byId[id]!.sorted { $0.apiId < $1.apiId }) }
    }

    /// The org ids of the APIs holding it; nil when none has one (the gateway's default org).
    var environments: [String]? {
        let orgs = Set(copies.compactMap(\.orgId).filter { !$0.isEmpty })
        return orgs.isEmpty ? nil : orgs.sorted()
    }

    /// The APIs it has access to: those its policy grants (`access_rights`), else the APIs holding it.
    func contracts(policies: [String: GatewayValue]) -> [GatewayAppContract] {
        let granted = primary.client.policyId.flatMap { policies[$0]?[path: "access_rights"]?.objectValue?.keys }
        let apis = granted.map(Array.init) ?? copies.map(\.apiId)
        return Set(apis).sorted().map { GatewayAppContract(apiRemoteId: $0) }
    }

    static let secretLabel = "OAuth client secret"

    func app(policies: [String: GatewayValue]) -> RemoteGatewayApp {
        RemoteGatewayApp(
            remoteId: clientId, kind: .tykOAuthClient, name: primary.client.name, clientIds: [clientId],
            environments: environments,
            credentials: [GatewayCredentialMetadata(remoteId: primary.client.fingerprint, type: .oauthClientSecret,
                                                    label: Self.secretLabel)],
            contracts: contracts(policies: policies), showsSecretCopy: true)
    }

    /// Its secret's metadata as a holder reports it. Tyk records no creation time, so `seen` stands for it.
    static func remoteSecret(_ client: TykOAuthClient, seen: Date) -> RemoteSecret {
        RemoteSecret(keyId: client.fingerprint, hint: "", displayName: secretLabel, createdAt: seen, expiresAt: nil)
    }

    func remoteClient(seen: Date) -> RemoteClient {
        RemoteClient(clientId: clientId, objectId: primary.apiId, displayName: primary.client.name,
                     secrets: [Self.remoteSecret(primary.client, seen: seen)])
    }
}
