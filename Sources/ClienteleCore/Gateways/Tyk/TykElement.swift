import Foundation

/// The groups of Tyk fields Clientele writes on one API: five groups of API-definition fields and one Tyk policy.
/// Each is one `GatewayPolicy.element`, so drift names a group and the fields in it in Tyk's own terms.
enum TykElement: String, CaseIterable, Sendable {
    case auth
    case jwt
    case ipAllowlist = "ip-allowlist"
    case cors = "CORS"
    case headers
    /// The Tyk policy Clientele keeps for the API (`clientele-<env>-<api id>`), which carries its rate limit.
    case policy

    /// The API-definition groups; `policy` lives in `/tyk/policies` instead.
    static let definitionGroups: [TykElement] = [.auth, .jwt, .ipAllowlist, .cors, .headers]

    /// Where each Clientele kind lives. oidc-access-token-enforcement is refused on Tyk (see the mapping).
    static func element(for kind: PolicyKind) -> TykElement? {
        switch kind {
        case .clientIdEnforcement: return .auth
        case .jwtValidation: return .jwt
        case .ipAllowlist: return .ipAllowlist
        case .cors: return .cors
        case .headerInjection: return .headers
        case .rateLimiting, .spikeControl: return .policy
        case .oidcAccessTokenEnforcement: return nil
        }
    }

    /// The version whose headers Clientele writes: the one version of an unversioned classic API.
    static let headerVersion = "Default"
    static let requestHeaders = "version_data.versions.\(headerVersion).global_headers"
    static let responseHeaders = "version_data.versions.\(headerVersion).global_response_headers"

    /// The fields of a fixed group with the value a Go `APIDefinition` serialises when they are unset. A field the
    /// gateway leaves out or sends as null reads as this value, so `[]` and a missing list are the same.
    var zeroFields: [String: GatewayValue] {
        switch self {
        case .auth:
            return [
                "use_keyless": .bool(false), "use_basic_auth": .bool(false), "use_standard_auth": .bool(false),
                "auth_configs.authToken.auth_header_name": .string(""),
                "auth_configs.authToken.use_param": .bool(false),
                "auth_configs.authToken.param_name": .string(""),
                "auth_configs.authToken.disable_header": .bool(false),
            ]
        case .jwt:
            return [
                "use_keyless": .bool(false), "enable_jwt": .bool(false), "jwt_signing_method": .string(""),
                "jwt_source": .string(""), "jwt_expires_at_validation_skew": .int(0),
                "jwt_not_before_validation_skew": .int(0), "jwt_issued_at_validation_skew": .int(0),
            ]
        case .ipAllowlist:
            return ["enable_ip_whitelisting": .bool(false), "allowed_ips": .array([])]
        case .cors:
            return [
                "CORS.enable": .bool(false), "CORS.allowed_origins": .array([]), "CORS.allowed_methods": .array([]),
                "CORS.allow_credentials": .bool(false), "CORS.max_age": .int(0),
                "CORS.options_passthrough": .bool(false),
            ]
        case .headers, .policy:
            return [:]
        }
    }

    /// The fields of a Tyk policy Clientele compares, with the values Tyk's `user.Policy` serialises when unset.
    static let policyZeroFields: [String: GatewayValue] = [
        "rate": .int(0), "per": .int(0), "throttle_interval": .int(0), "throttle_retry_limit": .int(0),
        "quota_max": .int(0), "active": .bool(false), "org_id": .string(""),
        "meta_data.\(TykNaming.policyKindMetaKey)": .string(""),
    ]

    /// Whether the group is switched on in a definition, whoever switched it on.
    func isOn(in definition: GatewayValue) -> Bool {
        switch self {
        case .auth:
            return definition[path: "use_basic_auth"]?.boolValue == true
                || definition[path: "use_standard_auth"]?.boolValue == true
        case .jwt: return definition[path: "enable_jwt"]?.boolValue == true
        case .ipAllowlist: return definition[path: "enable_ip_whitelisting"]?.boolValue == true
        case .cors: return definition[path: "CORS.enable"]?.boolValue == true
        case .headers: return !Self.headerFields(in: definition).isEmpty
        case .policy: return false
        }
    }

    /// The group's fields as the definition holds them (unset ones at their zero value).
    func observedFields(in definition: GatewayValue) -> [String: GatewayValue] {
        if self == .headers { return Self.headerFields(in: definition) }
        var fields: [String: GatewayValue] = [:]
        for (path, zero) in zeroFields {
            let held = definition[path: path]
            fields[path] = (held == nil || held == .null) ? zero : held
        }
        return fields
    }

    /// Every request and response header of the Default version, one field each.
    static func headerFields(in definition: GatewayValue) -> [String: GatewayValue] {
        var fields: [String: GatewayValue] = [:]
        for base in [requestHeaders, responseHeaders] {
            for (name, value) in definition[path: base]?.objectValue ?? [:] { fields["\(base).\(name)"] = value }
        }
        return fields
    }

    /// The Clientele kind a group stands for at the gateway.
    func kind(in definition: GatewayValue) -> PolicyKind? {
        switch self {
        case .auth: return .clientIdEnforcement
        case .jwt: return .jwtValidation
        case .ipAllowlist: return .ipAllowlist
        case .cors: return .cors
        case .headers: return .headerInjection
        case .policy: return nil
        }
    }
}

/// The names Clientele gives things at a Tyk gateway, so that another Clientele process recognises what it wrote.
enum TykNaming {
    /// `config_data.clientele.owns`: the API-definition groups Clientele wrote. config_data only reaches custom
    /// middleware; `tags` would have been the other place, but tags decide which gateways load an API when the
    /// gateways are sharded, so writing there could move the API.
    static let ownsPath = "config_data.clientele.owns"
    /// `config_data.clientele.headers`: the header fields Clientele wrote, so that unassigning header-injection
    /// removes those and leaves headers someone else added.
    static let ownedHeadersPath = "config_data.clientele.headers"
    /// `meta_data.clientele_policy` on Clientele's Tyk policies: which Clientele kind the policy stands for, since
    /// rate-limiting and spike-control both are a rate and a period.
    static let policyKindMetaKey = "clientele_policy"

    /// `clientele-<env>-`: the prefix of the policies this environment's assignments own.
    static func policyPrefix(environment: String) -> String {
        let slug = environment.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "-" }
        return "clientele-\(String(slug))-"
    }

    /// The policy id for an API: the API's id rather than its name, since Tyk names a policy's file after its id
    /// and refuses ids that are not file-name safe, and names can be anything.
    static func policyId(environment: String, apiId: String) -> String {
        policyPrefix(environment: environment) + apiId
    }
}
