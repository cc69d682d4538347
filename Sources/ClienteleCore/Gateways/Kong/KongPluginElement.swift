import Foundation

/// A Kong plugin as the gateway-neutral element and back: `element` is the plugin name, `fields` its flattened
/// `config.*` plus `enabled` (plus `clientele.*` notes read from its tags), `remoteId` its id.
enum KongPluginElement {
    /// Config fields whose text is a secret (rate-limiting's `redis.password`); shown and stored only as
    /// `GatewayPolicy.redacted`.
    static let secretKeys: Set<String> = ["password", "secret", "client_secret", "token", "api_key"]

    static func element(_ plugin: GatewayValue, api: RemoteAPI, mapping: KongPolicyMapping) -> GatewayPolicy? {
        guard let name = plugin[path: "name"]?.stringValue else { return nil }
        var fields = redacted(GatewayValue.object(["config": plugin[path: "config"] ?? .object([:])]).flattened())
        fields["enabled"] = plugin[path: "enabled"] ?? .bool(true)
        let tags = plugin[path: "tags"]?.stringsValue ?? []
        fields.merge(KongNoteTags.fields(from: tags)) { held, _ in held }
        return GatewayPolicy(
            apiId: api.remoteId, apiName: api.name, element: name, remoteId: plugin[path: "id"]?.stringValue,
            fields: fields, managed: tags.contains(KongPolicyMapping.managedTag),
            kind: mapping.recognise(plugin: name, fields: fields))
    }

    static func redacted(_ fields: [String: GatewayValue]) -> [String: GatewayValue] {
        fields.reduce(into: [:]) { out, entry in
            let last = entry.key.split(separator: ".").last.map(String.init) ?? entry.key
            out[entry.key] = secretKeys.contains(last) && entry.value != .null ? GatewayPolicy.redacted : entry.value
        }
    }

    /// The tags Clientele puts on a plugin it writes: its mark, the environment's tag, the notes, and (on an
    /// update) whatever tags somebody else added.
    static func tags(for element: GatewayPolicy, scope: GatewayScope, keeping existing: [String] = []) -> [String] {
        var tags = [KongPolicyMapping.managedTag]
        if let tag = scope.gatewayEnvironment { tags.append(tag) }
        tags += KongNoteTags.tags(from: element.fields)
        for tag in existing where !KongNoteTags.isNote(tag) && !tags.contains(tag) { tags.append(tag) }
        return tags
    }

    /// The body of `PUT /plugins/{id}` (create) or `PATCH` (update): the fields Clientele sets, nested again.
    static func body(for element: GatewayPolicy, serviceId: String, tags: [String]) -> GatewayValue {
        let written = element.fields.filter { !$0.key.hasPrefix(KongNoteTags.fieldPrefix) }
        var body = GatewayValue.nested(written).objectValue ?? [:]
        body["name"] = .string(element.element)
        body["service"] = .object(["id": .string(serviceId)])
        body["tags"] = .strings(tags)
        if body["config"] == nil { body["config"] = .object([:]) }
        return .object(body)
    }
}
