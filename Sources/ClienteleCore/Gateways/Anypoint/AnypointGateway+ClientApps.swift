import Foundation

/// The organization's client side: its Exchange client applications, org-wide (not an environment's), each read
/// in full for its client id and the secret Anypoint shows, with its contracts as the application lists them
/// (one request per application, rather than one per API instance in every environment through API Manager).
extension AnypointGateway {
    public func clientApps() async throws -> [RemoteGatewayApp] {
        let ids = try await applicationIds()
        return try await AnypointConcurrentReads.map(ids) { id -> RemoteGatewayApp? in
            // Deleted between the listing and this read: not an app any more.
            guard let app = try await application(String(id)) else { return nil }
            return remoteApp(app, contracts: try await contracts(of: app))
        }.compactMap { $0 }
    }

    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        guard app.kind == .anypointApplication, let read = try await application(app.remoteId),
            read.clientId == clientId
        else { return nil }
        return read.clientSecret
    }

    public func credentialHolder() -> any IdentityProviderAdapter { AnypointCredentialHolder(gateway: self) }

    // MARK: Exchange reads

    /// Every application id, every page read; an application that moves between pages while they are read is
    /// counted once.
    func applicationIds() async throws -> [Int] {
        let purpose = "listing the client applications of organization \(endpoints.organizationId)"
        var ids: [Int] = []
        var offset = 0
        while true {
            let response = try await connection.send(.GET, endpoints.applications(offset: offset), purpose: purpose)
            guard response.status == 200 else {
                throw connection.failure(response, purpose, permissions: AnypointConnection.exchangePermissions)
            }
            let page = try response.decode([AnypointApplicationRow].self, purpose: purpose)
            ids += page.map(\.id)
            // Exchange answers a bare array, no total: a short page is the last.
            if page.count < AnypointEndpoints.pageLimit { break }
            offset += AnypointEndpoints.pageLimit
        }
        var seen = Set<Int>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// One application with its credentials, or nil when Exchange no longer has it.
    func application(_ id: String) async throws -> AnypointApplication? {
        let purpose = "reading client application \(id)"
        let response = try await connection.send(.GET, endpoints.application(id), purpose: purpose)
        switch response.status {
        case 200: return try response.decode(AnypointApplication.self, purpose: purpose)
        case 404: return nil
        default: throw connection.failure(response, purpose, permissions: AnypointConnection.exchangePermissions)
        }
    }

    func contracts(of app: AnypointApplication) async throws -> [GatewayAppContract] {
        let purpose = "listing the contracts of client application \(app.displayName) (\(app.id))"
        let response = try await connection.send(.GET, endpoints.contracts(of: String(app.id)), purpose: purpose)
        switch response.status {
        case 200: break
        case 404: return []
        default: throw connection.failure(response, purpose, permissions: AnypointConnection.exchangePermissions)
        }
        let rows = try response.decode([AnypointApplicationContract].self, purpose: purpose)
        return try rows.map { row in
            guard let api = row.apiId, !api.isEmpty else {
                throw connection.peer.failure(
                    "\(purpose): contract \(row.id.map(String.init) ?? "?") names no API instance (no apiId) (client-request-id \(response.requestId))")
            }
            return GatewayAppContract(apiRemoteId: api, status: row.status ?? "UNKNOWN")
        }.sorted { ($0.apiRemoteId, $0.status) < ($1.apiRemoteId, $1.status) }
    }

    /// The application as the registry keeps it: ids, name, what identifies its secret, never the secret.
    func remoteApp(_ app: AnypointApplication, contracts: [GatewayAppContract]) -> RemoteGatewayApp {
        RemoteGatewayApp(
            remoteId: String(app.id), kind: .anypointApplication, name: app.displayName,
            clientIds: app.clientId.map { [$0] } ?? [], environments: nil,
            credentials: app.secretKeyId.map {
                [GatewayCredentialMetadata(remoteId: $0, type: .oauthClientSecret, label: "client secret")]
            } ?? [],
            contracts: contracts, showsSecretCopy: app.clientSecret != nil)
    }
}
