import Foundation

/// A Kong consumer as the client side reads it (kong/db/schema/entities/consumers.lua: `username`, `custom_id`,
/// at least one of them, and `tags`).
struct KongConsumer: Sendable, Hashable {
    let id: String
    let username: String?
    let customId: String?
    let tags: [String]

    init?(_ value: GatewayValue) {
        guard let id = value[path: "id"]?.stringValue else { return nil }
        self.id = id
        username = value[path: "username"]?.stringValue
        customId = value[path: "custom_id"]?.stringValue
        tags = value[path: "tags"]?.stringsValue ?? []
    }

    /// What operators call it: the username, else the custom_id, else the id.
    var name: String { username ?? customId ?? id }

    /// Its tags as environments, without Clientele's own mark; nil when that leaves none.
    var environments: [String]? {
        let environments = tags.filter { $0 != KongPolicyMapping.managedTag }
        return environments.isEmpty ? nil : environments
    }
}
