import Foundation

/// An Anypoint policy's `configurationData` read back as Clientele `key=value` pairs: the inverse of
/// `AnypointConfigurationFields`, for `gateway sync --adopt`. Nil where the configuration says something
/// Clientele's kind cannot (two rate limits, a window that is not whole seconds, a key read from a file).
struct AnypointConfigurationAdoption {
    let kind: PolicyKind
    let configuration: GatewayValue

    init(kind: PolicyKind, fields: [String: GatewayValue]) {
        self.kind = kind
        configuration = AnypointConfigurationBody.make(fields)
    }

    func pairs() -> [String]? {
        switch kind {
        case .rateLimiting: return rateLimiting()
        case .spikeControl: return spikeControl()
        case .clientIdEnforcement: return clientIdEnforcement()
        case .jwtValidation: return jwtValidation()
        case .ipAllowlist: return strings("ips").map { ["cidrs=\($0.joined(separator: ","))"] }
        case .headerInjection: return headerInjection()
        case .cors: return cors()
        case .oidcAccessTokenEnforcement: return nil
        }
    }

    private func rateLimiting() -> [String]? {
        guard let limits = configuration[path: "rateLimits"]?.arrayValue, limits.count == 1,
            let requests = limits[0][path: "maximumRequests"]?.intValue,
            let window = duration(milliseconds: limits[0][path: "timePeriodInMilliseconds"])
        else { return nil }
        let key = text("keySelector") == AnypointConfigurationFields.remoteAddress ? "ip" : "client-id"
        return ["requests=\(requests)", "window=\(window)", "key=\(key)"]
    }

    private func spikeControl() -> [String]? {
        guard let requests = configuration[path: "maximumRequests"]?.intValue,
            let window = duration(milliseconds: configuration[path: "timePeriodInMilliseconds"]),
            let delay = duration(milliseconds: configuration[path: "delayTimeInMillis"] ?? .int(0))
        else { return nil }
        return ["requests=\(requests)", "window=\(window)", "queue=\(configuration[path: "queuingLimit"]?.intValue ?? 0)",
                "delay=\(delay)"]
    }

    private func clientIdEnforcement() -> [String]? {
        let basic = text("credentialsOriginHasHttpBasicAuthenticationHeader") == "httpBasicAuthenticationHeader"
        var pairs: [String] = []
        var source = "header"
        for (expressionKey, pairKey) in [("clientIdExpression", "client-id-header"),
                                         ("clientSecretExpression", "client-secret-header")]
        {
            guard let expression = text(expressionKey) else { continue }
            guard let named = AnypointExpression.named(expression), named.source != "claim" else {
                if basic { continue }
                return nil
            }
            source = named.source
            pairs.append("\(pairKey)=\(named.name)")
        }
        return ["credentials=\(basic ? "basic-auth" : source)"] + pairs
    }

    private func jwtValidation() -> [String]? {
        guard text("jwtKeyOrigin") == "jwks", let url = text("jwksUrl"), let method = text("signingMethod"),
            let length = configuration[path: "signingKeyLength"]?.intValue,
            let algorithm = AnypointConfigurationFields.jwtSigning.first(where: { $0.value.method == method && $0.value.length == length })?.key
        else { return nil }
        var pairs = ["jwks-url=\(url)", "algorithms=\(algorithm)"]
        if configuration[path: "validateAudClaim"]?.boolValue == true, let audience = text("supportedAudiences") {
            pairs.append("audience=\(audience)")
        }
        var claims: [String] = []
        for claim in configuration[path: "mandatoryCustomClaims"]?.arrayValue ?? [] {
            guard let key = claim[path: "key"]?.stringValue, let value = claim[path: "value"]?.stringValue else {
                return nil
            }
            if key == "iss", !pairs.contains(where: { $0.hasPrefix("issuer=") }), !value.hasPrefix("#[") {
                pairs.append("issuer=\(value)")
            } else if let named = AnypointExpression.named(value), named.source == "claim", named.name == key {
                claims.append(key)
            } else if value.hasPrefix("#[") {
                return nil  // a DataWeave condition Clientele cannot state
            } else {
                claims.append("\(key)=\(value)")
            }
        }
        if !claims.isEmpty { pairs.append("required-claims=\(claims.joined(separator: ","))") }
        return pairs
    }

    private func headerInjection() -> [String]? {
        for (key, direction) in [("inboundHeaders", "request"), ("outboundHeaders", "response")] {
            guard let headers = configuration[path: key]?.arrayValue, !headers.isEmpty else { continue }
            let items = headers.compactMap { header -> String? in
                guard let name = header[path: "key"]?.stringValue else { return nil }
                return "\(name):\(header[path: "value"]?.stringValue ?? "")"
            }
            return ["headers=\(items.joined(separator: ","))", "direction=\(direction)"]
        }
        return nil
    }

    private func cors() -> [String]? {
        guard let groups = configuration[path: "originGroups"]?.arrayValue, groups.count == 1,
            let origins = groups[0][path: "origins"]?.stringsValue, !origins.isEmpty
        else { return nil }
        let methods = (groups[0][path: "allowedMethods"]?.arrayValue ?? []).compactMap { method -> String? in
            method[path: "isAllowed"]?.boolValue == false ? nil : method[path: "methodName"]?.stringValue
        }
        var pairs = ["origins=\(origins.joined(separator: ","))",
                     "allow-credentials=\(configuration[path: "supportCredentials"]?.boolValue ?? false)"]
        if !methods.isEmpty { pairs.append("methods=\(methods.joined(separator: ","))") }
        if let maxAge = groups[0][path: "accessControlMaxAge"]?.intValue {
            pairs.append("max-age=\(DurationText(seconds: Int64(maxAge)))")
        }
        return pairs
    }

    private func text(_ path: String) -> String? { configuration[path: path]?.stringValue }

    private func strings(_ path: String) -> [String]? { configuration[path: path]?.stringsValue }

    /// Whole seconds as a Clientele duration; nil for milliseconds Clientele cannot state.
    private func duration(milliseconds value: GatewayValue?) -> String? {
        guard let milliseconds = value?.intValue, milliseconds >= 0, milliseconds % 1000 == 0 else { return nil }
        return DurationText(seconds: Int64(milliseconds / 1000)).description
    }
}
