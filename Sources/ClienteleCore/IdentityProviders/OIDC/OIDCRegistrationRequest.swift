import Foundation

/// Client metadata sent to the registration endpoint (RFC 7591 §2, §3.1) for a confidential client that uses the
/// client-credentials grant.
struct OIDCRegistrationRequest: Encodable {
    let clientName: String
    /// Required by glewlwyd even for client credentials (400 invalid_redirect_uri without it).
    let redirectURIs: [String]
    let grantTypes: [String]
    /// Must be sent: glewlwyd registers a public client without a secret when it is missing, although RFC 7591 §2
    /// makes client_secret_basic the default.
    let tokenEndpointAuthMethod: String
    let scope: String?

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name"
        case redirectURIs = "redirect_uris"
        case grantTypes = "grant_types"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case scope
    }

    /// A loopback URI that nothing listens on (port 9 is "discard"): a client-credentials client never redirects,
    /// and glewlwyd accepts only https or loopback http.
    static let unusedRedirectURI = "http://127.0.0.1:9/clientele-unused"
}
