import Foundation

/// The elements a Tyk gateway runs on an environment's APIs, read from its API definitions and policies.
struct TykObservation {
    let scope: GatewayScope

    var ourPrefix: String { TykNaming.policyPrefix(environment: scope.environmentName) }

    /// The API-definition groups that are switched on or that Clientele owns. Managed: listed in the definition's
    /// `config_data.clientele.owns`.
    func definitionElements(_ definition: GatewayValue, api: RemoteAPI) -> [GatewayPolicy] {
        let owned = Set(TykDefinitionEdit.owned(in: definition))
        return TykElement.definitionGroups.compactMap { group in
            let isOwned = owned.contains(group.rawValue)
            guard isOwned || group.isOn(in: definition) else { return nil }
            return GatewayPolicy(
                apiId: api.remoteId, apiName: api.name, element: group.rawValue, remoteId: api.remoteId,
                fields: Self.redacted(group.observedFields(in: definition)), managed: isOwned,
                kind: group.kind(in: definition))
        }
    }

    /// A JWT source that is not a JWKS URL is a key or, for HMAC, the shared secret itself.
    static func redacted(_ fields: [String: GatewayValue]) -> [String: GatewayValue] {
        guard let source = fields["jwt_source"]?.stringValue, !source.isEmpty else { return fields }
        let decoded = Data(base64Encoded: source).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let isURL = decoded.hasPrefix("https://") || decoded.hasPrefix("http://")
        guard !isURL || fields["jwt_signing_method"]?.stringValue == "hmac" else { return fields }
        var shown = fields
        shown["jwt_source"] = GatewayPolicy.redacted
        return shown
    }

    /// The policy element for one API: Clientele's own policy (`policy`, by its id) or another policy granting the
    /// API (`policy <id>`, not managed).
    func policyElement(_ policy: GatewayValue, api: RemoteAPI) -> GatewayPolicy? {
        guard let id = policy[path: "id"]?.stringValue else { return nil }
        let ours = id == TykNaming.policyId(environment: scope.environmentName, apiId: api.remoteId)
        var fields: [String: GatewayValue] = [:]
        for (path, zero) in TykElement.policyZeroFields {
            let held = policy[path: path]
            fields[path] = (held == nil || held == .null) ? zero : held
        }
        // Access rights are keyed by API id; only this API's entry is this element's.
        let right = policy[path: "access_rights"]?.objectValue?[api.remoteId]
        fields["access_rights.\(api.remoteId).api_id"] = right?.objectValue?["api_id"] ?? .string("")
        let versions = right?.objectValue?["versions"]
        fields["access_rights.\(api.remoteId).versions"] = versions == nil || versions == .null ? .array([]) : versions
        return GatewayPolicy(
            apiId: api.remoteId, apiName: api.name, element: ours ? TykElement.policy.rawValue : "policy \(id)",
            remoteId: id, fields: fields, managed: ours, kind: Self.policyKind(fields))
    }

    static func policyKind(_ fields: [String: GatewayValue]) -> PolicyKind? {
        if let named = fields["meta_data.\(TykNaming.policyKindMetaKey)"]?.stringValue.flatMap(PolicyKind.init(rawValue:)) {
            return named
        }
        if (fields["throttle_retry_limit"]?.numberValue ?? 0) > 0 { return .spikeControl }
        if (fields["rate"]?.numberValue ?? 0) > 0 { return .rateLimiting }
        return nil
    }

    /// Every policy element on the APIs: Clientele's by id, the others by their access rights. Policies of another
    /// org are left out when the environment has one.
    func policyElements(_ policies: [GatewayValue], apis: [RemoteAPI]) -> [GatewayPolicy] {
        let byId = Dictionary(policies.compactMap { p in p[path: "id"]?.stringValue.map { ($0, p) } }, uniquingKeysWith: { a, _ in a })
        var elements: [GatewayPolicy] = []
        let wanted = Dictionary(apis.map { ($0.remoteId, $0) }, uniquingKeysWith: { a, _ in a })
        for api in apis {
            if let ours = byId[TykNaming.policyId(environment: scope.environmentName, apiId: api.remoteId)],
                let element = policyElement(ours, api: api)
            {
                elements.append(element)
            }
        }
        for policy in policies {
            guard let id = policy[path: "id"]?.stringValue, !id.hasPrefix(ourPrefix) else { continue }
            if let org = scope.gatewayEnvironment, policy[path: "org_id"]?.stringValue != org { continue }
            for apiId in (policy[path: "access_rights"]?.objectValue ?? [:]).keys.sorted() {
                if let api = wanted[apiId], let element = policyElement(policy, api: api) { elements.append(element) }
            }
        }
        return elements
    }

    /// What was written but not loaded, as the differ needs it: the written element with `loaded == false` unless
    /// the gateway already serves the same; an element the write removed stays as served, `loaded == false`.
    static func merge(written: [GatewayPolicy], served: [GatewayPolicy]) -> [GatewayPolicy] {
        let servedByKey = Dictionary(served.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let writtenKeys = Set(written.map(\.key))
        var merged = written.map { element -> GatewayPolicy in
            var element = element
            let same = servedByKey[element.key].map { $0.fields == element.fields && $0.managed == element.managed }
            element.loaded = same ?? false
            return element
        }
        for element in served where !writtenKeys.contains(element.key) {
            var element = element
            element.loaded = false
            merged.append(element)
        }
        return merged
    }
}
