import Foundation

/// Policies as API Manager returns them. The list comes in three shapes (contract README, from the official
/// provider's `decodePolicyListEntry`): a top-level array of full policies, an envelope `{"policies": [...]}`,
/// or an array of compact entries (`policyId`, `configuration`, coordinates under `template` or
/// `implementationAsset`). One GET of a single policy answers an object, or (the OpenAPI fragment) a one-element
/// array. All of them are accepted.
enum AnypointPolicyEntry {
    /// The entries of a list body, whichever shape it has; nil when it is none of them.
    static func entries(in body: GatewayValue) -> [GatewayValue]? {
        if let array = body.arrayValue { return array }
        if let object = body.objectValue {
            if let policies = object["policies"]?.arrayValue { return policies }
            if object["id"] != nil || object["policyId"] != nil { return [body] }
        }
        return nil
    }

    /// One entry as a gateway element on `api`; nil for an entry without an id or an asset.
    static func element(_ entry: GatewayValue, on api: RemoteAPI) -> GatewayPolicy? {
        guard let object = entry.objectValue else { return nil }
        let template = object["template"]?.objectValue ?? [:]
        let implementation = object["implementationAsset"]?.objectValue ?? [:]
        guard let id = text(object["id"]) ?? text(object["policyId"]),
            // The template names the policy; the implementation asset is its gateway build (`…-flex`).
            let assetId = object["assetId"]?.stringValue ?? template["assetId"]?.stringValue
                ?? implementation["assetId"]?.stringValue
        else { return nil }
        let version = object["assetVersion"]?.stringValue ?? template["assetVersion"]?.stringValue
            ?? implementation["version"]?.stringValue
        let configuration = object["configurationData"] ?? object["configuration"] ?? .object([:])
        var fields = configuration.flattened()
        for path in fields.keys where AnypointSecretFields.isSecret(path) { fields[path] = GatewayPolicy.redacted }
        return GatewayPolicy(
            apiId: api.remoteId, apiName: api.name, element: assetId, remoteId: id, version: version, fields: fields,
            order: object["order"]?.intValue, managed: true, kind: AnypointPolicyTemplate.kind(ofAsset: assetId))
    }

    private static func text(_ value: GatewayValue?) -> String? {
        switch value {
        case .number?: return value?.intValue.map(String.init)
        case .string(let text)?: return text.isEmpty ? nil : text
        default: return nil
        }
    }
}

/// Which configuration fields hold a secret's text (the OpenID Connect template's `clientSecret`, an LDAP
/// password, an introspection `authorizationValue`, API keys): read back as `GatewayPolicy.redacted`.
enum AnypointSecretFields {
    static func isSecret(_ path: String) -> Bool {
        let leaf = (path.split(separator: ".").last.map(String.init) ?? path).lowercased()
        // clientSecretExpression and friends name where a caller's secret is read, not a secret.
        if leaf.hasSuffix("expression") || leaf.hasSuffix("header") || leaf.hasSuffix("headername") { return false }
        return leaf.contains("secret") || leaf.contains("password") || leaf.hasSuffix("apikey")
            || leaf == "authorizationvalue" || leaf.hasSuffix("sessiontoken") || leaf == "textkey"
    }
}
