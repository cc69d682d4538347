import Foundation

/// The eight policies Clientele records, with the configuration each one takes.
public enum PolicyCatalog {
    public static func schema(for kind: PolicyKind) -> PolicySchema {
        switch kind {
        case .clientIdEnforcement: return clientIdEnforcement
        case .oidcAccessTokenEnforcement: return oidcAccessTokenEnforcement
        case .rateLimiting: return rateLimiting
        case .spikeControl: return spikeControl
        case .jwtValidation: return jwtValidation
        case .ipAllowlist: return ipAllowlist
        case .headerInjection: return headerInjection
        case .cors: return cors
        }
    }

    private static let noCrossCheck: @Sendable ([String: PolicyValue]) -> String? = { _ in nil }
    private static let day: Int64 = 86_400

    static let clientIdEnforcement = PolicySchema(
        kind: .clientIdEnforcement,
        summary: "Only callers presenting a registered client id and secret get through.",
        fields: [
            PolicyField("credentials", .choice(["basic-auth", "header", "query"]), default: .text("basic-auth"),
                        help: "where the gateway reads the client id and secret"),
            PolicyField("client-id-header", .text, default: .text("client_id"),
                        help: "header or query name of the client id (credentials=header|query)"),
            PolicyField("client-secret-header", .text, default: .text("client_secret"),
                        help: "header or query name of the client secret (credentials=header|query)"),
        ],
        crossCheck: noCrossCheck)

    static let oidcAccessTokenEnforcement = PolicySchema(
        kind: .oidcAccessTokenEnforcement,
        summary: "Callers need an access token from the IdP, checked by introspection or signature.",
        fields: [
            PolicyField("issuer", .url, required: true, help: "the IdP's issuer URL"),
            PolicyField("audience", .text, help: "the audience the token must carry"),
            PolicyField("scopes", .list(item: .scope, nonEmpty: false), default: .list([]),
                        help: "scopes the token must grant"),
            PolicyField("validate-client-id", .boolean, default: .boolean(true),
                        help: "also require the token's client to be registered with the API"),
        ],
        crossCheck: noCrossCheck)

    static let rateLimiting = PolicySchema(
        kind: .rateLimiting,
        summary: "Caps requests per client (or per IP) in a time window.",
        fields: [
            PolicyField("requests", .positiveInteger, required: true, help: "requests allowed per window"),
            PolicyField("window", .duration(minimum: 1, maximum: day), default: .text("1m"),
                        help: "length of the window"),
            PolicyField("key", .choice(["client-id", "ip"]), default: .text("client-id"),
                        help: "what the limit is counted per"),
        ],
        crossCheck: noCrossCheck)

    static let spikeControl = PolicySchema(
        kind: .spikeControl,
        summary: "Smooths bursts: queues or rejects requests beyond a short-window ceiling.",
        fields: [
            PolicyField("requests", .positiveInteger, required: true, help: "requests allowed per window"),
            PolicyField("window", .duration(minimum: 1, maximum: 3600), default: .text("1s"),
                        help: "length of the window"),
            PolicyField("queue", .nonNegativeInteger, default: .integer(0), help: "requests held back before rejecting"),
            PolicyField("delay", .duration(minimum: 0, maximum: 60), default: .text("0s"),
                        help: "delay before a queued request is retried"),
        ],
        crossCheck: noCrossCheck)

    static let jwtValidation = PolicySchema(
        kind: .jwtValidation,
        summary: "Verifies a JWT's signature against a JWKS and requires claims.",
        fields: [
            PolicyField("jwks-url", .url, required: true, help: "where the signing keys are published"),
            PolicyField("issuer", .text, help: "required iss claim"),
            PolicyField("audience", .text, help: "required aud claim"),
            PolicyField("required-claims", .list(item: .claim, nonEmpty: false), default: .list([]),
                        help: "claims that must be present, optionally with a value (name=value)"),
            PolicyField("algorithms", .list(item: .algorithm, nonEmpty: true), default: .list(["RS256"]),
                        help: "accepted signing algorithms"),
            PolicyField("clock-skew", .duration(minimum: 0, maximum: 600), default: .text("1m"),
                        help: "tolerance for exp and nbf"),
        ],
        crossCheck: noCrossCheck)

    static let ipAllowlist = PolicySchema(
        kind: .ipAllowlist,
        summary: "Only callers from the listed networks get through.",
        fields: [
            PolicyField("cidrs", .list(item: .cidr, nonEmpty: true), required: true,
                        help: "allowed networks, such as 10.0.0.0/8"),
        ],
        crossCheck: noCrossCheck)

    static let headerInjection = PolicySchema(
        kind: .headerInjection,
        summary: "Adds headers to requests or responses.",
        fields: [
            PolicyField("headers", .list(item: .header, nonEmpty: true), required: true,
                        help: "headers to add, as Name:value"),
            PolicyField("direction", .choice(["request", "response"]), default: .text("request"),
                        help: "which messages get the headers"),
        ],
        crossCheck: noCrossCheck)

    static let cors = PolicySchema(
        kind: .cors,
        summary: "Answers browsers' cross-origin checks.",
        fields: [
            PolicyField("origins", .list(item: .origin, nonEmpty: true), required: true,
                        help: "allowed origins, or *"),
            PolicyField("methods", .list(item: .httpMethod, nonEmpty: true), default: .list(["GET", "POST"]),
                        help: "allowed methods"),
            PolicyField("allow-credentials", .boolean, default: .boolean(false),
                        help: "let browsers send cookies and authorization"),
            PolicyField("max-age", .duration(minimum: 0, maximum: day), default: .text("10m"),
                        help: "how long browsers may cache the answer"),
        ],
        crossCheck: { values in
            // The Fetch standard rejects a wildcard origin on credentialed requests, so this pair never works.
            if case .list(let origins) = values["origins"], origins.contains("*"),
                case .boolean(true) = values["allow-credentials"]
            {
                return "origins=* cannot be combined with allow-credentials=true"
            }
            return nil
        })
}
