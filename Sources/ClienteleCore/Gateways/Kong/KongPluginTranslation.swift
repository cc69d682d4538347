import Foundation

/// One Clientele policy as the Kong OSS plugin that enforces it: the plugin's name and the fields Clientele sets
/// (flattened `config.*`, `enabled`, and `clientele.*` notes kept as tags). Fields set to `.null` are ones Clientele
/// owns and keeps empty, so that somebody filling them in (an anonymous consumer that lets everyone through, a second
/// rate-limiting unit) shows as drift. The plugin fields are those of shared/contracts/kong/plugin-schemas.json.
struct KongPluginTranslation {
    let scope: GatewayScope

    static let refusedOIDC =
        "Kong OSS has no OpenID Connect token enforcement (openid-connect is Enterprise-only); assign jwt-validation with the IdP's keys instead"

    func plugin(for assignment: PolicyAssignment) throws -> (name: String, fields: [String: GatewayValue]) {
        let values = assignment.configuration.values
        switch assignment.policy {
        case .clientIdEnforcement: return try clientIdEnforcement(values)
        case .oidcAccessTokenEnforcement: throw unexpressible(.oidcAccessTokenEnforcement, "cannot run here: \(Self.refusedOIDC)")
        case .rateLimiting: return try rateLimiting(values)
        case .spikeControl: return try spikeControl(values)
        case .jwtValidation: return try jwtValidation(values)
        case .ipAllowlist:
            return ("ip-restriction", ["config.allow": .strings(list(values["cidrs"])), "config.deny": .null, "enabled": .bool(true)])
        case .headerInjection: return try headerInjection(values)
        case .cors: return try cors(values)
        }
    }

    /// key-auth for credentials=header|query (Kong's key is the client's credential, read from the one name
    /// `client-id-header` gives); basic-auth for credentials=basic-auth (id and secret in `Authorization: Basic`).
    private func clientIdEnforcement(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        let credentials = text(values["credentials"]) ?? "basic-auth"
        if credentials == "basic-auth" {
            return ("basic-auth", ["config.anonymous": .null, "enabled": .bool(true)])
        }
        let secretHeader = text(values["client-secret-header"]) ?? "client_secret"
        if secretHeader != "client_secret" {
            throw unexpressible(.clientIdEnforcement,
                "client-secret-header=\(secretHeader): Kong's key-auth checks one key (the client's, named by client-id-header) and reads no second secret field; leave client-secret-header unset or use credentials=basic-auth")
        }
        let name = text(values["client-id-header"]) ?? "client_id"
        return ("key-auth", [
            "config.key_names": .strings([name]),
            "config.key_in_header": .bool(credentials == "header"),
            "config.key_in_query": .bool(credentials == "query"),
            "config.key_in_body": .bool(false),
            "config.anonymous": .null,
            "enabled": .bool(true),
        ])
    }

    private func rateLimiting(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        let limitBy = text(values["key"]) == "ip" ? "ip" : "consumer"
        return ("rate-limiting", try limit(.rateLimiting, values, limitBy: limitBy))
    }

    /// Spike control is one ceiling for the whole API, so Kong counts it per service; that `limit_by: service` is
    /// also how a rate-limiting plugin is recognised as spike control when read back.
    private func spikeControl(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        if let queue = values["queue"], case .integer(let count) = queue, count != 0 {
            throw unexpressible(.spikeControl,
                "queue=\(count): Kong's rate-limiting rejects requests over the limit at once and holds none back; use queue=0")
        }
        if let delay = text(values["delay"]), let parsed = DurationText(parsing: delay), parsed.seconds != 0 {
            throw unexpressible(.spikeControl, "delay=\(delay): Kong's rate-limiting has no retry delay; use delay=0s")
        }
        return ("rate-limiting", try limit(.spikeControl, values, limitBy: "service"))
    }

    private func limit(_ policy: PolicyKind, _ values: [String: PolicyValue], limitBy: String) throws -> [String: GatewayValue] {
        let window = text(values["window"]) ?? (policy == .spikeControl ? "1s" : "1m")
        guard let seconds = DurationText(parsing: window)?.seconds, let unit = KongRateLimitUnit.exactly(seconds) else {
            throw unexpressible(policy,
                "window=\(window): Kong's rate-limiting counts per second, minute, hour or day (config.second…config.day); use window=\(KongRateLimitUnit.expressible)")
        }
        var fields: [String: GatewayValue] = [:]
        for other in KongRateLimitUnit.allCases { fields[other.field] = .null }
        fields[unit.field] = .int(integer(values["requests"]) ?? 0)
        fields["config.limit_by"] = .string(limitBy)
        fields["config.policy"] = .string("local")
        fields["enabled"] = .bool(true)
        return fields
    }

    /// Kong OSS's jwt plugin verifies a token against the key of the consumer credential its `iss` names; it cannot
    /// fetch a JWKS, check `aud` or allow clock skew. So the plugin gets what it can enforce (`key_claim_name: iss`,
    /// `claims_to_verify`), and what only the credentials can carry (the JWKS URL their keys come from, issuer,
    /// algorithms, skew) is kept as notes on the plugin for drift and adopt; `aud` and claims other than exp/nbf
    /// are refused, since Kong would silently not check them.
    private func jwtValidation(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        if let audience = text(values["audience"]) {
            throw unexpressible(.jwtValidation,
                "audience=\(audience): Kong OSS's jwt plugin does not check the aud claim; leave audience unset")
        }
        let claims = list(values["required-claims"])
        if let other = claims.first(where: { !["exp", "nbf"].contains($0) }) {
            throw unexpressible(.jwtValidation,
                "required-claims=\(other): Kong OSS's jwt plugin verifies only exp and nbf (config.claims_to_verify); leave the others out")
        }
        var fields: [String: GatewayValue] = [
            "config.key_claim_name": .string("iss"),
            "config.claims_to_verify": .strings(["exp"] + (claims.contains("nbf") ? ["nbf"] : [])),
            "config.anonymous": .null,
            "enabled": .bool(true),
            "clientele.jwks-url": .string(text(values["jwks-url"]) ?? ""),
            "clientele.algorithms": .string(list(values["algorithms"]).joined(separator: ",")),
            "clientele.clock-skew": .string(text(values["clock-skew"]) ?? "1m"),
        ]
        if let issuer = text(values["issuer"]) { fields["clientele.issuer"] = .string(issuer) }
        if !claims.isEmpty { fields["clientele.required-claims"] = .string(claims.joined(separator: ",")) }
        return ("jwt", fields)
    }

    private func headerInjection(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        if text(values["direction"]) == "response" {
            throw unexpressible(.headerInjection,
                "direction=response: Clientele manages Kong's request-transformer only (response-transformer is outside its Kong contract); use direction=request")
        }
        return ("request-transformer", ["config.add.headers": .strings(list(values["headers"])), "enabled": .bool(true)])
    }

    private func cors(_ values: [String: PolicyValue]) throws -> (name: String, fields: [String: GatewayValue]) {
        let maxAge = DurationText(parsing: text(values["max-age"]) ?? "10m")?.seconds ?? 600
        return ("cors", [
            "config.origins": .strings(list(values["origins"])),
            "config.methods": .strings(list(values["methods"]).map { $0.uppercased() }),
            "config.credentials": .bool(values["allow-credentials"] == .boolean(true)),
            "config.max_age": .int(Int(maxAge)),
            "enabled": .bool(true),
        ])
    }

    /// One line naming the gateway, environment, policy and field.
    func unexpressible(_ policy: PolicyKind, _ why: String) -> ClienteleError {
        .invalidInput("gateway \(scope.gatewayName): environment \(scope.environmentName): \(policy.rawValue) \(why)")
    }

    private func text(_ value: PolicyValue?) -> String? { if case .text(let text)? = value { return text } else { return nil } }
    private func integer(_ value: PolicyValue?) -> Int? { if case .integer(let number)? = value { return number } else { return nil } }
    private func list(_ value: PolicyValue?) -> [String] { if case .list(let items)? = value { return items } else { return [] } }
}
