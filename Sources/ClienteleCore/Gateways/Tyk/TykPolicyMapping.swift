import Foundation

/// Clientele's policies on a Tyk OSS gateway: auth, JWT, IP allowlist, CORS and headers are groups of fields in the
/// classic API definition; rate-limiting and spike-control are a Tyk policy per API granting it with a rate.
public struct TykPolicyMapping: GatewayPolicyMapping {
    public init() {}

    public var kind: GatewayKind { .tyk }

    static let oidcRefusal =
        "oidc-access-token-enforcement cannot run on Tyk: Tyk checks OIDC tokens as JWTs against the IdP's JWKS "
        + "(its use_openid is deprecated since 5.7), and Clientele knows only the issuer, not the JWKS URL; "
        + "assign jwt-validation with jwks-url=<the IdP's jwks_uri> instead"

    public func refusal(for policy: PolicyKind) -> String? {
        policy == .oidcAccessTokenEnforcement ? Self.oidcRefusal : nil
    }

    /// Kinds that would share what Tyk holds once per API.
    static let exclusive: [(Set<PolicyKind>, String)] = [
        ([.rateLimiting, .spikeControl],
         "both would be the rate and period of the one Tyk policy Clientele keeps per API"),
        ([.clientIdEnforcement, .jwtValidation],
         "both would be the API's authentication, and a classic API definition chains auth methods only with "
            + "base_identity_provided_by, which Clientele does not set"),
    ]

    public func conflict(adding: PolicyAssignment, beside existing: [PolicyAssignment]) -> String? {
        for other in existing where other.id == nil || other.id != adding.id {
            let overlaps = adding.api.isEmpty || other.api.isEmpty || adding.api == other.api
            guard overlaps, other.policy != adding.policy else { continue }
            if let why = Self.conflictReason(adding.policy, other.policy) {
                let api = adding.api.isEmpty ? (other.api.isEmpty ? "every API" : "API \(other.api)") : "API \(adding.api)"
                return "\(adding.policy.rawValue) cannot sit beside \(other.policy.rawValue) on \(api) on Tyk: \(why); assign one of them"
            }
        }
        return nil
    }

    static func conflictReason(_ lhs: PolicyKind, _ rhs: PolicyKind) -> String? {
        exclusive.first { $0.0.contains(lhs) && $0.0.contains(rhs) && lhs != rhs }?.1
    }

    public func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws
        -> [GatewayPolicy]
    {
        let prefix = "gateway \(scope.gatewayName), environment \(scope.environmentName)"
        // (element, narrowed) per API: an assignment narrowed to an API beats the environment-wide one of its kind.
        var chosen: [GatewayPolicyKey: (policy: GatewayPolicy, narrowed: Bool)] = [:]
        for assignment in assignments.sorted(by: { $0.position < $1.position }) {
            if let refusal = refusal(for: assignment.policy) { throw ClienteleError.invalidInput("\(prefix): \(refusal)") }
            guard let element = TykElement.element(for: assignment.policy) else { continue }
            let targets = assignment.api.isEmpty ? apis : apis.filter { $0.name == assignment.api }
            if targets.isEmpty && !assignment.api.isEmpty {
                throw ClienteleError.invalidInput(
                    "\(prefix): \(assignment.label) is narrowed to API \(assignment.api), which the gateway has no API "
                        + "definition of in this environment (run gateway sync)")
            }
            for api in targets {
                let fields = try TykTranslation(assignment: assignment, api: api, scope: scope).fields()
                let policy = GatewayPolicy(
                    apiId: api.remoteId, apiName: api.name, element: element.rawValue,
                    remoteId: element == .policy
                        ? TykNaming.policyId(environment: scope.environmentName, apiId: api.remoteId) : api.remoteId,
                    fields: fields, managed: true, kind: assignment.policy)
                let narrowed = !assignment.api.isEmpty
                if let held = chosen[policy.key] {
                    if let kind = held.policy.kind, kind != assignment.policy {
                        let why = Self.conflictReason(kind, assignment.policy) ?? "both are Tyk's \(element.rawValue) fields"
                        throw ClienteleError.invalidInput(
                            "\(prefix): \(assignment.policy.rawValue) cannot sit beside \(kind.rawValue) on API \(api.name) on Tyk: \(why)")
                    }
                    if held.narrowed && !narrowed { continue }
                }
                chosen[policy.key] = (policy, narrowed)
            }
        }
        var elements = chosen.values.map(\.policy)
        // Auth and JWT are separate groups, but one API cannot have both (see `exclusive`).
        for apiId in Set(elements.compactMap(\.apiId)) {
            let kinds = elements.filter { $0.apiId == apiId }.compactMap(\.kind)
            for (set, why) in Self.exclusive where set.isSubset(of: Set(kinds)) {
                let name = elements.first { $0.apiId == apiId }?.apiName ?? apiId
                let pair = set.sorted().map(\.rawValue).joined(separator: " and ")
                throw ClienteleError.invalidInput("\(prefix): \(pair) cannot both run on API \(name) on Tyk: \(why)")
            }
        }
        elements.sort { $0.key < $1.key }
        return elements
    }

    public func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? { TykAdoption(element: element).adopted() }

    public func describe(_ element: GatewayPolicy) -> String {
        let api = element.apiName.isEmpty ? (element.apiId ?? "") : element.apiName
        if element.element == "reload" { return "Tyk reload (/tyk/reload?block=true)" }
        if element.element.hasPrefix("policy") {
            let id = element.remoteId ?? String(element.element.dropFirst("policy ".count))
            return "Tyk policy \(id) on API \(api)"
        }
        let group: String
        switch TykElement(rawValue: element.element) {
        case .auth?: group = "auth fields (use_standard_auth, use_basic_auth)"
        case .jwt?: group = "JWT fields (enable_jwt, jwt_*)"
        case .ipAllowlist?: group = "IP allowlist (enable_ip_whitelisting, allowed_ips)"
        case .cors?: group = "CORS"
        case .headers?: group = "global headers (version \(TykElement.headerVersion))"
        default: group = element.element
        }
        return "Tyk \(group) on API definition \(api)"
    }

    /// Tyk serves what was written only after a reload, so every apply with writes ends with one; so does an apply
    /// that only finds elements written but not loaded (the differ then passes `[.reload()]`).
    public func finishingSteps(after writes: [GatewayStep]) -> [GatewayStep] {
        writes.isEmpty ? [] : [.reload()]
    }
}
