import Foundation

/// Kong's client side: consumers as client apps, an OAuth2 credential's clear `client_secret` as the copy the
/// gateway shows, and the consumers' key-auth keys and OAuth2 credentials as secrets Kong holds itself.
extension KongGateway {
    static let appCredentialTypes: [GatewayCredentialType] = [.keyAuth, .oauth2, .jwt, .acl, .basicAuth]

    public func clientApps() async throws -> [RemoteGatewayApp] {
        let directory = try await KongConsumerDirectory.read(api, types: Self.appCredentialTypes)
        let acl = try await KongACLContracts.read(api)
        return directory.consumers.map { consumer in
            let held = directory.credentials[consumer.id] ?? []
            let oauth2 = directory.credentials(of: consumer, .oauth2)
            let groups = Set(directory.credentials(of: consumer, .acl).compactMap(\.group))
            return RemoteGatewayApp(
                remoteId: consumer.id, kind: .kongConsumer, name: consumer.name,
                clientIds: [consumer.customId].compactMap { $0 } + oauth2.compactMap(\.clientId),
                environments: consumer.environments,
                credentials: held.sorted { ($0.type.rawValue, $0.id) < ($1.type.rawValue, $1.id) }
                    .map { $0.metadata(readAt: directory.readAt) },
                contracts: acl.contracts(forGroups: groups),
                showsSecretCopy: oauth2.contains { !KongOAuth2Secret.isHashed($0) })
        }
        .sorted { ($0.name, $0.remoteId) < ($1.name, $1.remoteId) }
    }

    /// Read fresh from the consumer's own OAuth2 credentials (by consumer id, never by a key in the path): the
    /// credential may have been replaced since the app was read.
    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        let credentials = try await KongCredentialSet(consumerId: app.remoteId, type: .oauth2)
            .credentials(api, purpose: "reading the OAuth2 credentials of consumer \(app.name)")
        return credentials.first { $0.clientId == clientId }.flatMap(KongOAuth2Secret.copy(of:))
    }

    public func credentialHolder() -> any IdentityProviderAdapter { KongCredentialHolder(gateway: self) }
}
