import Foundation

/// Reading a Kong plugin back as a Clientele policy: the inverse of `KongPluginTranslation`, for `gateway sync
/// --adopt` and for naming what an observed plugin stands for.
enum KongPolicyAdoption {
    /// The policy kind a plugin enforces, from its name (and, for rate-limiting, what it counts per).
    static func kind(plugin: String, fields: [String: GatewayValue]) -> PolicyKind? {
        switch plugin {
        case "key-auth", "basic-auth": return .clientIdEnforcement
        case "rate-limiting": return fields["config.limit_by"]?.stringValue == "service" ? .spikeControl : .rateLimiting
        case "jwt": return .jwtValidation
        case "ip-restriction": return .ipAllowlist
        case "request-transformer": return .headerInjection
        case "cors": return .cors
        default: return nil
        }
    }

    static func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? {
        let fields = element.fields
        guard let kind = kind(plugin: element.element, fields: fields) else { return nil }
        let pairs: [String]?
        switch element.element {
        case "key-auth": pairs = keyAuth(fields)
        case "basic-auth": pairs = ["credentials=basic-auth"]
        case "rate-limiting": pairs = rateLimiting(fields, kind: kind)
        case "jwt": pairs = jwt(fields)
        case "ip-restriction":
            let allow = fields["config.allow"]?.stringsValue ?? []
            pairs = allow.isEmpty ? nil : ["cidrs=\(allow.joined(separator: ","))"]
        case "request-transformer":
            let headers = fields["config.add.headers"]?.stringsValue ?? []
            pairs = headers.isEmpty ? nil : ["headers=\(headers.joined(separator: ","))", "direction=request"]
        case "cors": pairs = cors(fields)
        default: pairs = nil
        }
        return pairs.map { AdoptedPolicy(kind: kind, pairs: $0) }
    }

    private static func keyAuth(_ fields: [String: GatewayValue]) -> [String]? {
        guard let name = fields["config.key_names"]?.stringsValue?.first else { return nil }
        let query = fields["config.key_in_query"]?.boolValue == true && fields["config.key_in_header"]?.boolValue == false
        return ["credentials=\(query ? "query" : "header")", "client-id-header=\(name)"]
    }

    private static func rateLimiting(_ fields: [String: GatewayValue], kind: PolicyKind) -> [String]? {
        let set = KongRateLimitUnit.allCases.filter { fields[$0.field]?.intValue != nil }
        guard set.count == 1, let unit = set.first, unit.seconds <= 86_400,
            let requests = fields[unit.field]?.intValue
        else { return nil }
        let window = DurationText(seconds: unit.seconds).description
        if kind == .spikeControl { return ["requests=\(requests)", "window=\(window)"] }
        switch fields["config.limit_by"]?.stringValue ?? "consumer" {
        case "consumer": return ["requests=\(requests)", "window=\(window)", "key=client-id"]
        case "ip": return ["requests=\(requests)", "window=\(window)", "key=ip"]
        default: return nil
        }
    }

    /// A jwt plugin Clientele did not write has no JWKS URL on it (Kong keeps keys on consumers), so there is
    /// nothing to adopt: jwt-validation needs one.
    private static func jwt(_ fields: [String: GatewayValue]) -> [String]? {
        guard let jwks = fields["clientele.jwks-url"]?.stringValue, !jwks.isEmpty else { return nil }
        var pairs = ["jwks-url=\(jwks)"]
        for note in ["issuer", "required-claims", "algorithms", "clock-skew"] {
            if let value = fields["clientele.\(note)"]?.stringValue, !value.isEmpty { pairs.append("\(note)=\(value)") }
        }
        return pairs
    }

    private static func cors(_ fields: [String: GatewayValue]) -> [String]? {
        guard let origins = fields["config.origins"]?.stringsValue, !origins.isEmpty else { return nil }
        var pairs = ["origins=\(origins.joined(separator: ","))"]
        if let methods = fields["config.methods"]?.stringsValue {
            // TRACE and CONNECT are Kong's; Clientele's cors policy has no way to allow them.
            if methods.contains(where: { ["TRACE", "CONNECT"].contains($0) }) { return nil }
            pairs.append("methods=\(methods.joined(separator: ","))")
        }
        if let credentials = fields["config.credentials"]?.boolValue { pairs.append("allow-credentials=\(credentials)") }
        if let maxAge = fields["config.max_age"]?.intValue, maxAge >= 0 {
            pairs.append("max-age=\(DurationText(seconds: Int64(maxAge)))")
        }
        return pairs
    }
}
