import Foundation

/// Every consumer and the credentials they hold, read through the top-level collections (`/consumers`,
/// `/key-auths`, `/oauth2`, … 1,000 a page, every page) rather than one request per consumer, then grouped.
struct KongConsumerDirectory: Sendable {
    let consumers: [KongConsumer]
    let credentials: [String: [KongCredential]]
    /// When the lists were asked for; a key-auth `ttl` counts from here.
    let readAt: Date

    static func read(_ api: KongAdminAPI, types: [GatewayCredentialType]) async throws -> KongConsumerDirectory {
        let readAt = Date()
        let consumers = try await api.list("/consumers", purpose: "listing consumers").compactMap(KongConsumer.init)
        var credentials: [String: [KongCredential]] = [:]
        for type in types {
            guard let path = KongCredential.collections(type)?.top else { continue }
            // A Kong without the plugin answers 404 for its credentials, which decK also takes as none.
            let listed = try await api.list(path, missingIsEmpty: true, purpose: "listing \(type.rawValue) credentials")
            for credential in listed.compactMap({ KongCredential($0, type: type) }) {
                credentials[credential.consumerId, default: []].append(credential)
            }
        }
        return KongConsumerDirectory(consumers: consumers, credentials: credentials, readAt: readAt)
    }

    func credentials(of consumer: KongConsumer, _ type: GatewayCredentialType) -> [KongCredential] {
        (credentials[consumer.id] ?? []).filter { $0.type == type }
    }
}
