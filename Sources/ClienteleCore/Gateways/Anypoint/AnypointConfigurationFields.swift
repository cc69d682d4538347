import Foundation

/// What one assignment's configuration becomes in an Anypoint policy's `configurationData`, as flattened fields
/// (`rateLimits[0].maximumRequests` → 100). Only what Clientele sets appears; an explicit `.null` marks an owned
/// place that must stay empty (a second rate limit, a header beyond ours), so someone adding one there is drift.
/// `AnypointConfigurationAdoption` reads these same fields back.
struct AnypointConfigurationFields {
    let assignment: PolicyAssignment
    let scope: GatewayScope

    /// MuleSoft's spike-control template caps its window at 5000 ms (provider KnownPolicySchemas `max`).
    static let longestSpikeWindowMilliseconds = 5000
    /// The single algorithm families and key lengths Anypoint's jwt-validation can check.
    static let jwtSigning: [String: (method: String, length: Int)] = [
        "RS256": ("rsa", 256), "RS384": ("rsa", 384), "RS512": ("rsa", 512),
        "ES256": ("es", 256), "ES384": ("es", 384),
    ]
    /// The DataWeave expressions for where the caller's address is read and what a limit is counted per. The
    /// allowlist reads X-Forwarded-For as MuleSoft's own template does, for instances behind a load balancer.
    static let forwardedFor = "#[attributes.headers['x-forwarded-for']]"
    static let remoteAddress = "#[attributes.remoteAddress]"
    static let originGroupName = "clientele"

    func fields() throws -> [String: GatewayValue] {
        switch assignment.policy {
        case .rateLimiting: return try rateLimiting()
        case .spikeControl: return try spikeControl()
        case .clientIdEnforcement: return clientIdEnforcement()
        case .jwtValidation: return try jwtValidation()
        case .ipAllowlist: return ["ipExpression": .string(Self.forwardedFor), "ips": .strings(list("cidrs"))]
        case .headerInjection: return headerInjection()
        case .cors: return try cors()
        case .oidcAccessTokenEnforcement:
            throw unexpressible("the policy", AnypointPolicyMapping.oidcRefusal)
        }
    }

    private func rateLimiting() throws -> [String: GatewayValue] {
        var fields = Self.objects(
            "rateLimits",
            [["maximumRequests": .int(integer("requests")), "timePeriodInMilliseconds": .int(try seconds("window") * 1000)]],
            keys: ["maximumRequests", "timePeriodInMilliseconds"])
        fields["keySelector"] = .string(
            text("key") == "ip" ? Self.remoteAddress : AnypointExpression.header("client_id"))
        return fields
    }

    private func spikeControl() throws -> [String: GatewayValue] {
        let window = try seconds("window") * 1000
        guard window <= Self.longestSpikeWindowMilliseconds else {
            throw unexpressible(
                "window=\(text("window"))",
                "Anypoint's spike-control \(AnypointPolicyTemplate.spikeControl.assetVersion) takes "
                    + "timePeriodInMilliseconds up to \(Self.longestSpikeWindowMilliseconds) (5s); use window=5s or less, "
                    + "or rate-limiting for longer windows")
        }
        let queue = integer("queue")
        return [
            "maximumRequests": .int(integer("requests")),
            "timePeriodInMilliseconds": .int(window),
            "delayTimeInMillis": .int(try seconds("delay") * 1000),
            // Clientele has no attempts setting: a queued request is retried once, a rejected one never.
            "delayAttempts": .int(queue > 0 ? 1 : 0),
            "queuingLimit": .int(queue),
        ]
    }

    private func clientIdEnforcement() -> [String: GatewayValue] {
        let credentials = text("credentials")
        let id = text("client-id-header")
        let secret = text("client-secret-header")
        // The expressions are sent for basic-auth too (Anypoint ignores them there, as its own form fills them
        // in), so the header names survive a round trip.
        func expression(_ name: String) -> String {
            credentials == "query" ? AnypointExpression.query(name) : AnypointExpression.header(name)
        }
        return [
            "credentialsOriginHasHttpBasicAuthenticationHeader": .string(
                credentials == "basic-auth" ? "httpBasicAuthenticationHeader" : "customExpression"),
            "clientIdExpression": .string(expression(id)),
            "clientSecretExpression": .string(expression(secret)),
        ]
    }

    private func jwtValidation() throws -> [String: GatewayValue] {
        let algorithms = list("algorithms")
        guard algorithms.count == 1, let signing = Self.jwtSigning[algorithms[0]] else {
            throw unexpressible(
                "algorithms=\(algorithms.joined(separator: ","))",
                "Anypoint's jwt-validation checks exactly one of \(Self.jwtSigning.keys.sorted().joined(separator: ", ")); "
                    + "assign one of them")
        }
        let skew = text("clock-skew")
        let defaultSkew = PolicyCatalog.schema(for: .jwtValidation).field("clock-skew")?.defaultValue?.description
        if skew != defaultSkew {
            throw unexpressible(
                "clock-skew=\(skew)",
                "Anypoint's jwt-validation has no clock-skew setting; leave clock-skew at its default \(defaultSkew ?? "")")
        }
        var claims: [[String: GatewayValue]] = []
        if let issuer = optionalText("issuer") { claims.append(["key": .string("iss"), "value": .string(issuer)]) }
        for claim in list("required-claims") {
            let parts = claim.split(separator: "=", maxSplits: 1).map(String.init)
            claims.append(["key": .string(parts[0]),
                           "value": .string(parts.count == 2 ? parts[1] : AnypointExpression.claimPresent(parts[0]))])
        }
        let audience = optionalText("audience")
        var fields: [String: GatewayValue] = [
            "jwtOrigin": .string("httpBearerAuthenticationHeader"),
            "jwtKeyOrigin": .string("jwks"),
            "jwksUrl": .string(text("jwks-url")),
            "signingMethod": .string(signing.method),
            "signingKeyLength": .int(signing.length),
            // Clientele's jwt-validation checks the token, not the caller's registration with the API.
            "skipClientIdValidation": .bool(true),
            "mandatoryExpClaim": .bool(true),
            "validateAudClaim": .bool(audience != nil),
            "mandatoryAudClaim": .bool(audience != nil),
            "supportedAudiences": audience.map(GatewayValue.string) ?? .null,
            "validateCustomClaim": .bool(!claims.isEmpty),
        ]
        fields.merge(Self.objects("mandatoryCustomClaims", claims, keys: ["key", "value"])) { $1 }
        return fields
    }

    private func headerInjection() -> [String: GatewayValue] {
        let headers: [[String: GatewayValue]] = list("headers").map { header in
            let colon = header.firstIndex(of: ":") ?? header.endIndex
            let value = colon == header.endIndex ? "" : String(header[header.index(after: colon)...])
            return ["key": .string(String(header[..<colon])), "value": .string(value)]
        }
        let ours = text("direction") == "response" ? "outboundHeaders" : "inboundHeaders"
        let other = ours == "inboundHeaders" ? "outboundHeaders" : "inboundHeaders"
        return Self.objects(ours, headers, keys: ["key", "value"])
            .merging(Self.objects(other, [], keys: ["key", "value"])) { $1 }
    }

    private func cors() throws -> [String: GatewayValue] {
        let origins = list("origins")
        let methods: [[String: GatewayValue]] = list("methods").map {
            ["methodName": .string($0.uppercased()), "isAllowed": .bool(true)]
        }
        var fields: [String: GatewayValue] = [
            "publicResource": .bool(origins.contains("*")),
            "supportCredentials": .bool(boolean("allow-credentials")),
            "originGroups[0].name": .string(Self.originGroupName),
            "originGroups[0].origins": .strings(origins),
            "originGroups[0].accessControlMaxAge": .int(try seconds("max-age")),
            "originGroups[1].name": .null,
        ]
        fields.merge(Self.objects("originGroups[0].allowedMethods", methods, keys: ["methodName", "isAllowed"])) { $1 }
        return fields
    }

    // MARK: - Reading the validated configuration

    private func text(_ key: String) -> String { assignment.configuration[key]?.description ?? "" }

    private func optionalText(_ key: String) -> String? {
        guard case .text(let value)? = assignment.configuration[key], !value.isEmpty else { return nil }
        return value
    }

    private func integer(_ key: String) -> Int {
        if case .integer(let value)? = assignment.configuration[key] { return value }
        return Int(text(key)) ?? 0
    }

    private func boolean(_ key: String) -> Bool {
        if case .boolean(let value)? = assignment.configuration[key] { return value }
        return false
    }

    private func list(_ key: String) -> [String] {
        if case .list(let value)? = assignment.configuration[key] { return value }
        return []
    }

    private func seconds(_ key: String) throws -> Int {
        guard let duration = DurationText(parsing: text(key)) else {
            throw unexpressible("\(key)=\(text(key))", "it is not a duration")
        }
        return Int(duration.seconds)
    }

    private func unexpressible(_ field: String, _ why: String) -> ClienteleError {
        .invalidInput(
            "gateway \(scope.gatewayName): environment \(scope.environmentName): \(assignment.label) \(field) "
                + "cannot be expressed on Anypoint: \(why)")
    }

    /// A list of objects as flattened fields, with a `.null` sentinel one past the end so that an entry added at
    /// the gateway is a difference.
    static func objects(_ name: String, _ items: [[String: GatewayValue]], keys: [String]) -> [String: GatewayValue] {
        var fields: [String: GatewayValue] = [:]
        for (index, item) in items.enumerated() {
            for (key, value) in item { fields["\(name)[\(index)].\(key)"] = value }
        }
        for key in keys { fields["\(name)[\(items.count)].\(key)"] = .null }
        return fields
    }
}

/// The DataWeave expressions Clientele writes into Anypoint configurations and recognises when reading them back.
enum AnypointExpression {
    static func header(_ name: String) -> String { "#[attributes.headers['\(name)']]" }
    static func query(_ name: String) -> String { "#[attributes.queryParams['\(name)']]" }
    static func claimPresent(_ name: String) -> String { "#[vars.claimSet['\(name)'] != null]" }

    /// The header name in `#[attributes.headers['x']]`, the parameter in `#[attributes.queryParams['x']]`.
    static func named(_ expression: String) -> (source: String, name: String)? {
        for (source, prefix) in [("header", "#[attributes.headers['"), ("query", "#[attributes.queryParams['"),
                                 ("claim", "#[vars.claimSet['")]
        {
            let suffix = source == "claim" ? "'] != null]" : "']]"
            if expression.hasPrefix(prefix), expression.hasSuffix(suffix), expression.count > prefix.count + suffix.count {
                return (source, String(expression.dropFirst(prefix.count).dropLast(suffix.count)))
            }
        }
        return nil
    }
}
