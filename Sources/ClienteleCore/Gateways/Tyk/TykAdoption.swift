import Foundation

/// A Tyk element read back as the Clientele policy it stands for: the inverse of `TykTranslation`. Nil for what
/// Clientele has no name for (a static JWT key, HMAC signing, request and response headers in one group).
struct TykAdoption {
    let element: GatewayPolicy

    func adopted() -> AdoptedPolicy? {
        if element.element.hasPrefix(TykElement.policy.rawValue) { return policy() }
        switch TykElement(rawValue: element.element) {
        case .auth?: return auth()
        case .jwt?: return jwt()
        case .ipAllowlist?: return ipAllowlist()
        case .cors?: return cors()
        case .headers?: return headers()
        default: return nil
        }
    }

    private func bool(_ path: String) -> Bool { element.fields[path]?.boolValue == true }
    private func text(_ path: String) -> String { element.fields[path]?.stringValue ?? "" }
    private func strings(_ path: String) -> [String] { element.fields[path]?.stringsValue ?? [] }
    private func number(_ path: String) -> Double? { element.fields[path]?.numberValue }
    private func duration(_ seconds: Double?) -> String? {
        guard let seconds, seconds >= 0, seconds == seconds.rounded() else { return nil }
        return DurationText(seconds: Int64(seconds)).description
    }

    private func auth() -> AdoptedPolicy? {
        if bool("use_basic_auth") { return AdoptedPolicy(kind: .clientIdEnforcement, pairs: ["credentials=basic-auth"]) }
        guard bool("use_standard_auth") else { return nil }
        if bool("auth_configs.authToken.use_param") && bool("auth_configs.authToken.disable_header") {
            let name = text("auth_configs.authToken.param_name")
            return AdoptedPolicy(kind: .clientIdEnforcement, pairs: ["credentials=query"] + (name.isEmpty ? [] : ["client-id-header=\(name)"]))
        }
        // Tyk reads the Authorization header when no name is set.
        let name = text("auth_configs.authToken.auth_header_name")
        return AdoptedPolicy(kind: .clientIdEnforcement, pairs: ["credentials=header", "client-id-header=\(name.isEmpty ? "Authorization" : name)"])
    }

    private func jwt() -> AdoptedPolicy? {
        guard bool("enable_jwt"),
            let decoded = Data(base64Encoded: text("jwt_source")).map({ String(decoding: $0, as: UTF8.self) }),
            decoded.hasPrefix("http://") || decoded.hasPrefix("https://")
        else { return nil }
        // Each Tyk method accepts its whole family; Clientele names the family by its first algorithm.
        let algorithm: String
        switch text("jwt_signing_method") {
        case "rsa": algorithm = "RS256"
        case "ecdsa": algorithm = "ES256"
        default: return nil
        }
        var pairs = ["jwks-url=\(decoded)", "algorithms=\(algorithm)"]
        if let skew = duration(number("jwt_expires_at_validation_skew")) { pairs.append("clock-skew=\(skew)") }
        return AdoptedPolicy(kind: .jwtValidation, pairs: pairs)
    }

    private func ipAllowlist() -> AdoptedPolicy? {
        guard bool("enable_ip_whitelisting") else { return nil }
        // Tyk takes single addresses too; Clientele's cidrs are networks.
        let cidrs = strings("allowed_ips").map { $0.contains("/") ? $0 : "\($0)/\($0.contains(":") ? 128 : 32)" }
        return AdoptedPolicy(kind: .ipAllowlist, pairs: ["cidrs=\(cidrs.joined(separator: ","))"])
    }

    private func cors() -> AdoptedPolicy? {
        guard bool("CORS.enable") else { return nil }
        var pairs = ["origins=\(strings("CORS.allowed_origins").joined(separator: ","))"]
        let methods = strings("CORS.allowed_methods")
        if !methods.isEmpty { pairs.append("methods=\(methods.joined(separator: ","))") }
        pairs.append("allow-credentials=\(bool("CORS.allow_credentials"))")
        if let maxAge = duration(number("CORS.max_age")) { pairs.append("max-age=\(maxAge)") }
        return AdoptedPolicy(kind: .cors, pairs: pairs)
    }

    private func headers() -> AdoptedPolicy? {
        let request = element.fields.filter { $0.key.hasPrefix(TykElement.requestHeaders + ".") }
        let response = element.fields.filter { $0.key.hasPrefix(TykElement.responseHeaders + ".") }
        // One Clientele header-injection has one direction.
        guard request.isEmpty != response.isEmpty else { return nil }
        let (fields, direction, base) = request.isEmpty
            ? (response, "response", TykElement.responseHeaders) : (request, "request", TykElement.requestHeaders)
        var headers: [String] = []
        for (path, value) in fields.sorted(by: { $0.key < $1.key }) {
            // Clientele's list is comma-separated, so a value with a comma has no Clientele spelling.
            guard let value = value.stringValue, !value.contains(",") else { return nil }
            headers.append("\(path.dropFirst(base.count + 1)):\(value)")
        }
        return AdoptedPolicy(kind: .headerInjection, pairs: ["headers=\(headers.joined(separator: ","))", "direction=\(direction)"])
    }

    private func policy() -> AdoptedPolicy? {
        guard let rate = number("rate"), rate > 0, rate == rate.rounded(), let window = duration(number("per")) else {
            return nil
        }
        let retries = number("throttle_retry_limit") ?? 0
        let kind = PolicyKind(rawValue: text("meta_data.\(TykNaming.policyKindMetaKey)"))
            ?? (retries > 0 ? .spikeControl : .rateLimiting)
        var pairs = ["requests=\(Int(rate))", "window=\(window)"]
        switch kind {
        case .rateLimiting:
            pairs.append("key=client-id")
        case .spikeControl:
            let queue = max(0, Int(retries))
            pairs.append("queue=\(queue)")
            pairs.append("delay=\(queue > 0 ? duration(number("throttle_interval")) ?? "0s" : "0s")")
        default:
            return nil
        }
        return AdoptedPolicy(kind: kind, pairs: pairs)
    }
}
