import Foundation

/// Finds a provider's metadata from its issuer: OpenID Connect Discovery first
/// (`{issuer}/.well-known/openid-configuration`, OIDC Discovery §4.1), then OAuth authorization server metadata
/// (RFC 8414 §3.1, where the well-known part goes between host and path, then appended as many servers do).
enum OIDCDiscovery {
    static func candidateURLs(issuer: String) -> [String] {
        let trimmed = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        var urls = ["\(trimmed)/.well-known/openid-configuration"]
        if let components = URLComponents(string: trimmed), let scheme = components.scheme, let host = components.host {
            let port = components.port.map { ":\($0)" } ?? ""
            urls.append("\(scheme)://\(host)\(port)/.well-known/oauth-authorization-server\(components.path)")
        }
        urls.append("\(trimmed)/.well-known/oauth-authorization-server")
        var seen = Set<String>()
        return urls.filter { seen.insert($0).inserted }
    }

    static func fetch(issuer: String, http: PeerHTTPClient, idpName: String) async throws
        -> OIDCDiscoveryDocument
    {
        var misses: [String] = []
        for url in candidateURLs(issuer: issuer) {
            let purpose = "reading the discovery document of \(issuer)"
            let response = try await http.send(
                PeerRequest(method: .GET, url: url, headers: ["Accept": "application/json"], purpose: purpose,
                                        maxResponseBytes: 1024 * 1024))
            // Only "not here" moves on to the next well-known location; anything else is this server's answer.
            guard response.status == 200 else {
                guard response.status == 404 || response.status == 405 else {
                    throw ClienteleError.identityProvider(
                        "IdP \(idpName): \(purpose): \(url) answered \(OIDCErrorBody.summary(response)) (client-request-id \(response.requestId))")
                }
                misses.append("\(url) answered HTTP \(response.status) (client-request-id \(response.requestId))")
                continue
            }
            let document = try response.decode(OIDCDiscoveryDocument.self, purpose: purpose)
            // OIDC Discovery §4.3 / RFC 8414 §3.3: the document must name exactly the issuer it was fetched for,
            // or an attacker's metadata could send registrations and secrets elsewhere.
            guard document.issuer == issuer else {
                throw ClienteleError.identityProvider(
                    "IdP \(idpName): the discovery document at \(url) names issuer \(document.issuer), not the configured issuer \(issuer) (OpenID Connect Discovery §4.3); fix the IdP's issuer setting (client-request-id \(response.requestId))")
            }
            return document
        }
        throw ClienteleError.identityProvider(
            "IdP \(idpName): no discovery document for issuer \(issuer): \(misses.joined(separator: ", "))")
    }
}
