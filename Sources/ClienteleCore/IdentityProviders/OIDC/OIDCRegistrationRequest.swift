import Foundation

/// Client metadata sent to the registration endpoint (RFC 7591 §2, §3.1) for a confidential client that uses the
/// client-credentials grant: what the specs need for one and no more. A client-credentials client never
/// redirects, so it registers without `redirect_uris` first; a provider that insists on them (glewlwyd: 400
/// `invalid_redirect_uri`) gets the unused loopback URI as a native client, the one way OpenID Connect Dynamic
/// Client Registration 1.0 §2 allows an http redirect URI (a web client's must be https and not on localhost).
struct OIDCRegistrationRequest: Encodable {
    let clientName: String
    let redirectURIs: [String]?
    let applicationType: String?
    let grantTypes: [String]
    /// Must be sent: glewlwyd registers a public client without a secret when it is missing, although RFC 7591 §2
    /// makes client_secret_basic the default.
    let tokenEndpointAuthMethod: String
    let scope: String?

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case redirectURIs = "redirect_uris"
        case applicationType = "application_type"
        case grantTypes = "grant_types"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case scope
    }

    static func clientCredentials(name: String, scope: String?, withRedirectURI: Bool) -> OIDCRegistrationRequest {
        OIDCRegistrationRequest(
            clientName: name, redirectURIs: withRedirectURI ? [unusedRedirectURI] : nil,
            applicationType: withRedirectURI ? "native" : nil, grantTypes: ["client_credentials"],
            tokenEndpointAuthMethod: "client_secret_basic", scope: scope)
    }

    /// A loopback URI that nothing listens on (port 9 is "discard"), for providers that demand a redirect URI.
    static let unusedRedirectURI = "http://127.0.0.1:9/clientele-unused"
}
