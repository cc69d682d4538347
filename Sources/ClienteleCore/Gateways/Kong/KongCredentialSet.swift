import Foundation

/// One set of secrets a Kong consumer holds that rotate together, as the credential holder names it: its
/// key-auth keys ("<consumer id>/key-auth") or its OAuth2 credentials ("<consumer id>/oauth2").
struct KongCredentialSet: Sendable, Hashable {
    let consumerId: String
    let type: GatewayCredentialType

    static let rotated: [GatewayCredentialType] = [.keyAuth, .oauth2]

    init(consumerId: String, type: GatewayCredentialType) {
        self.consumerId = consumerId
        self.type = type
    }

    /// From a holder reference; nil unless it is "<consumer id>/key-auth" or "<consumer id>/oauth2" with a UUID
    /// (so nothing but an id ever reaches a URL path).
    init?(_ reference: RemoteClientReference) {
        let parts = reference.clientId.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, UUID(uuidString: parts[0]) != nil,
            let type = Self.rotated.first(where: { $0.rawValue == parts[1] })
        else { return nil }
        self.init(consumerId: parts[0].lowercased(), type: type)
    }

    var clientId: String { "\(consumerId)/\(type.rawValue)" }
    var reference: RemoteClientReference { RemoteClientReference(clientId: clientId, objectId: consumerId) }

    /// `/consumers/{id}/key-auth` or `/consumers/{id}/oauth2`.
    var path: String {
        "/consumers/\(KongAdminAPI.escape(consumerId))/\(KongCredential.collections(type)?.nested ?? type.rawValue)"
    }

    /// The consumer's credentials of this set, every page; empty when the consumer is gone (404).
    func credentials(_ api: KongAdminAPI, purpose: String) async throws -> [KongCredential] {
        try await api.list(path, missingIsEmpty: true, purpose: purpose).compactMap { KongCredential($0, type: type) }
    }
}
