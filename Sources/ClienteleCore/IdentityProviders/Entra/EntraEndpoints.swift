import Foundation

/// Where an Entra IdP's token endpoint and Graph live, from its settings. Public cloud unless the settings point
/// elsewhere (a national cloud, or a loopback test server).
public struct EntraEndpoints: Sendable {
    /// Microsoft's public cloud: the defaults `idp add entra` records and `idp list` shows.
    public static let publicAuthority = "https://login.microsoftonline.com"
    public static let publicGraph = "https://graph.microsoft.com/v1.0"
    /// The client-credentials scope for Graph (contract: token_endpoint.request.form_fields.scope).
    static let graphScope = "https://graph.microsoft.com/.default"

    let tenant: String
    let adminClientId: String
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    let tokenURL: String
    /// The Graph base, `…/v1.0`, without a trailing slash.
    let graph: String

    /// The settings' endpoints, or one line saying which setting is missing.
    static func resolve(_ idp: IdentityProvider) throws -> EntraEndpoints {
        let settings = idp.settings
        guard let tenant = nonEmpty(settings.tenant) else {
            throw ClienteleError.identityProvider("IdP \(idp.name): its settings have no tenant (directory id)")
        }
        guard let adminClientId = nonEmpty(settings.adminClientId) else {
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): its settings have no adminClientId (the client id of Clientele's own app)")
        }
        let authority = trimmed(nonEmpty(settings.authority) ?? publicAuthority)
        let graph = trimmed(nonEmpty(settings.graph) ?? publicGraph)
        let escapedTenant = tenant.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? tenant
        return EntraEndpoints(
            tenant: tenant, adminClientId: adminClientId, tokenURL: "\(authority)/\(escapedTenant)/oauth2/v2.0/token",
            graph: graph)
    }

    /// `applications/{objectId}` when the object id is known, else the alternate key `applications(appId='…')`
    /// (Graph's "Get application" reference; contract README), which the actions accept too.
    func application(_ reference: RemoteClientReference) -> String {
        if let objectId = Self.nonEmpty(reference.objectId) {
            return "\(graph)/applications/\(Self.pathSegment(objectId))"
        }
        // OData string literals double a single quote (OData ABNF, SQUOTE-in-string).
        let literal = reference.clientId.replacingOccurrences(of: "'", with: "''")
        return "\(graph)/applications(appId='\(Self.pathSegment(literal))')"
    }

    /// The `$select` query for reads, written as Graph documents it: `$` and `,` are legal in a query as they
    /// stand (RFC 3986 §3.4), so nothing is escaped.
    static let selectQuery = "$select=\(GraphApplication.selectedProperties)"

    /// Whether a `@odata.nextLink` points at the same Graph (scheme, host and port) as the one configured: the
    /// bearer token goes with it, so a link elsewhere is not followed.
    func isSameOrigin(_ link: String) -> Bool {
        guard let base = URLComponents(string: graph), let next = URLComponents(string: link) else { return false }
        return base.scheme?.lowercased() == next.scheme?.lowercased() && base.host?.lowercased() == next.host?.lowercased()
            && base.port == next.port
    }

    private static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
