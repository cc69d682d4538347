import Foundation

/// The fields Clientele reads from an OpenID Provider's metadata (OIDC Discovery §3, RFC 8414 §2). Unknown
/// fields are ignored; glewlwyd's `grant_types_supported` omits client_credentials although the grant works, so
/// nothing is gated on it.
struct OIDCDiscoveryDocument: Decodable, Sendable {
    let issuer: String
    let registrationEndpoint: String?
    let tokenEndpoint: String?
    let tokenEndpointAuthMethodsSupported: [String]?

    enum CodingKeys: String, CodingKey {
        case issuer
        case registrationEndpoint = "registration_endpoint"
        case tokenEndpoint = "token_endpoint"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
    }
}
