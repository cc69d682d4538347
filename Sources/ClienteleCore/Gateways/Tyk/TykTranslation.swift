import Foundation

/// One assignment's configuration in Tyk's fields, for one API. Only what Clientele sets appears; owned fields that
/// must stay off are set to Tyk's own "off" value (false, "", -1) so that someone switching them on is drift.
struct TykTranslation {
    let assignment: PolicyAssignment
    let api: RemoteAPI
    let scope: GatewayScope

    var kind: PolicyKind { assignment.policy }

    func fields() throws -> [String: GatewayValue] {
        switch kind {
        case .clientIdEnforcement: return try clientIdFields()
        case .jwtValidation: return try jwtFields()
        case .ipAllowlist: return ["enable_ip_whitelisting": .bool(true), "allowed_ips": .strings(list("cidrs"))]
        case .cors: return try corsFields()
        case .headerInjection: return try headerFields()
        case .rateLimiting: return try rateLimitFields()
        case .spikeControl: return try spikeControlFields()
        case .oidcAccessTokenEnforcement:
            throw ClienteleError.invalidInput("\(prefix): \(TykPolicyMapping.oidcRefusal)")
        }
    }

    // MARK: - Kinds

    private func clientIdFields() throws -> [String: GatewayValue] {
        // Unassigning never turns use_keyless on, and assigning turns it off: Tyk's keyless flag beats every
        // auth method, so an API left keyless would stay open.
        var fields: [String: GatewayValue] = ["use_keyless": .bool(false)]
        switch text("credentials") {
        case "basic-auth":
            // Tyk's basic auth checks a username and password against its keys: the client id and secret.
            fields["use_basic_auth"] = .bool(true)
            fields["use_standard_auth"] = .bool(false)
        case let credentials:
            // Tyk's auth token is one key read from one header or query parameter; there is no second value.
            if text("client-secret-header") != defaultText("client-secret-header") {
                throw unexpressible(
                    "client-secret-header", "Tyk's auth token is one key in one \(credentials == "query" ? "query parameter" : "header"); "
                        + "there is no second name for a secret (leave client-secret-header unset, or use credentials=basic-auth)")
            }
            let name = text("client-id-header")
            fields["use_basic_auth"] = .bool(false)
            fields["use_standard_auth"] = .bool(true)
            fields["auth_configs.authToken.use_param"] = .bool(credentials == "query")
            fields["auth_configs.authToken.disable_header"] = .bool(credentials == "query")
            fields[credentials == "query" ? "auth_configs.authToken.param_name" : "auth_configs.authToken.auth_header_name"] =
                .string(name)
        }
        return fields
    }

    private func jwtFields() throws -> [String: GatewayValue] {
        // A classic API definition has no issuer, audience or claim checks (those exist only in Tyk OAS APIs).
        for key in ["issuer", "audience"] where assignment.configuration[key] != nil {
            throw unexpressible(key, "a Tyk classic API definition does not check the \(key == "issuer" ? "iss" : "aud") claim")
        }
        if !list("required-claims").isEmpty {
            throw unexpressible("required-claims", "a Tyk classic API definition does not check claims")
        }
        let algorithms = list("algorithms")
        guard let method = Self.signingMethod(for: algorithms) else {
            throw unexpressible("algorithms", Self.algorithmProblem(algorithms))
        }
        let skew = seconds("clock-skew")
        return [
            "use_keyless": .bool(false),
            "enable_jwt": .bool(true),
            "jwt_signing_method": .string(method),
            // jwt_source holding the base64 of a JWKS URL is the form Tyk's OpenAPI document and apidef schema both
            // know (jwt_jwks_uris is in the schema only).
            "jwt_source": .string(Data(text("jwks-url").utf8).base64EncodedString()),
            "jwt_expires_at_validation_skew": .int(skew),
            "jwt_not_before_validation_skew": .int(skew),
            "jwt_issued_at_validation_skew": .int(skew),
        ]
    }

    private static let signingFamilies: [(method: String, algorithms: Set<String>)] = [
        ("rsa", ["RS256", "RS384", "RS512"]), ("ecdsa", ["ES256", "ES384"]),
    ]

    /// Tyk checks one signing method per API, and each method accepts every algorithm of its family.
    static func signingMethod(for algorithms: [String]) -> String? {
        guard !algorithms.isEmpty else { return nil }
        return signingFamilies.first { $0.algorithms.isSuperset(of: algorithms) }?.method
    }

    static func algorithmProblem(_ algorithms: [String]) -> String {
        let unknown = algorithms.filter { name in !signingFamilies.contains { $0.algorithms.contains(name) } }
        if !unknown.isEmpty {
            return "Tyk's JWT signing methods are rsa (RS256/384/512) and ecdsa (ES256/384); it has no \(unknown.joined(separator: ", "))"
        }
        return "Tyk checks one signing method per API; \(algorithms.joined(separator: ",")) mixes rsa and ecdsa"
    }

    private func corsFields() throws -> [String: GatewayValue] {
        [
            "CORS.enable": .bool(true),
            "CORS.allowed_origins": .strings(list("origins")),
            "CORS.allowed_methods": .strings(list("methods").map { $0.uppercased() }),
            "CORS.allow_credentials": .bool(bool("allow-credentials")),
            "CORS.max_age": .int(seconds("max-age")),
            // Passing preflights through to the upstream would switch Tyk's answers off.
            "CORS.options_passthrough": .bool(false),
        ]
    }

    private func headerFields() throws -> [String: GatewayValue] {
        let base = text("direction") == "response" ? TykElement.responseHeaders : TykElement.requestHeaders
        var fields: [String: GatewayValue] = [:]
        var seen: Set<String> = []
        for header in list("headers") {
            guard let colon = header.firstIndex(of: ":") else { continue }
            let name = String(header[..<colon])
            // Field paths are dotted; a dot in a header name would split it into two levels.
            if name.contains(".") {
                throw unexpressible("headers", "header name '\(name)' has a dot, which Clientele's Tyk field paths cannot hold")
            }
            // global_headers is a map: a second value for the same name would replace the first.
            if !seen.insert(name.lowercased()).inserted {
                throw unexpressible("headers", "header '\(name)' is given twice; Tyk's global_headers holds one value per name")
            }
            fields["\(base).\(name)"] = .string(String(header[header.index(after: colon)...]))
        }
        return fields
    }

    private func rateLimitFields() throws -> [String: GatewayValue] {
        if text("key") != "client-id" {
            throw unexpressible("key", "Tyk policies count requests per key (per client); use key=client-id")
        }
        return policyFields(rate: integer("requests"), per: seconds("window"), throttleInterval: -1, throttleRetries: -1)
    }

    private func spikeControlFields() throws -> [String: GatewayValue] {
        // Approximate: Tyk does not queue; a request over the rate is retried up to throttle_retry_limit times,
        // throttle_interval seconds apart, before its 429. So queue becomes the retries and delay the interval.
        let queue = integer("queue")
        let delay = seconds("delay")
        if queue > 0 && delay == 0 {
            throw unexpressible("delay", "Tyk retries a held-back request every throttle_interval seconds; with queue=\(queue) give delay=1s or more")
        }
        if queue == 0 && delay > 0 {
            throw unexpressible("delay", "without queue Tyk retries nothing, so there is no delay to wait; set queue or delay=0s")
        }
        return policyFields(
            rate: integer("requests"), per: seconds("window"), throttleInterval: queue > 0 ? delay : -1,
            throttleRetries: queue > 0 ? queue : -1)
    }

    private func policyFields(rate: Int, per: Int, throttleInterval: Int, throttleRetries: Int) -> [String: GatewayValue] {
        [
            "rate": .int(rate), "per": .int(per),
            "throttle_interval": .int(throttleInterval), "throttle_retry_limit": .int(throttleRetries),
            // -1: no quota. Clientele's limits are rates; a quota someone adds would be drift.
            "quota_max": .int(-1),
            "active": .bool(true),
            "org_id": .string(scope.gatewayEnvironment ?? ""),
            "meta_data.\(TykNaming.policyKindMetaKey)": .string(kind.rawValue),
            "access_rights.\(api.remoteId).api_id": .string(api.remoteId),
            "access_rights.\(api.remoteId).versions": .strings([TykElement.headerVersion]),
        ]
    }

    // MARK: - Values

    var prefix: String { "gateway \(scope.gatewayName), environment \(scope.environmentName)" }

    private func unexpressible(_ field: String, _ why: String) -> ClienteleError {
        let value = assignment.configuration[field].map { "\($0)" } ?? defaultValue(field).map { "\($0)" } ?? ""
        return .invalidInput("\(prefix): \(kind.rawValue) \(field)=\(value) cannot be expressed on Tyk: \(why)")
    }

    private func defaultValue(_ key: String) -> PolicyValue? { PolicyCatalog.schema(for: kind).field(key)?.defaultValue }

    private func value(_ key: String) -> PolicyValue? { assignment.configuration[key] ?? defaultValue(key) }

    private func defaultText(_ key: String) -> String { defaultValue(key).map { "\($0)" } ?? "" }

    private func text(_ key: String) -> String { value(key).map { "\($0)" } ?? "" }

    private func list(_ key: String) -> [String] {
        if case .list(let items)? = value(key) { return items }
        return []
    }

    private func bool(_ key: String) -> Bool {
        if case .boolean(let flag)? = value(key) { return flag }
        return false
    }

    private func integer(_ key: String) -> Int {
        if case .integer(let number)? = value(key) { return number }
        return 0
    }

    private func seconds(_ key: String) -> Int { DurationText(parsing: text(key)).map { Int($0.seconds) } ?? 0 }
}
