import Foundation

/// A client as the registration endpoint (RFC 7591 §3.2.1) or the client configuration endpoint (RFC 7592 §3)
/// reports it. Every field but `client_id` is optional: RFC 7592 reads often omit the registration fields, and
/// glewlwyd's read reports `token_endpoint_auth_method` as a list.
struct OIDCClientInformation: Decodable {
    let clientId: String
    let clientSecret: String?
    /// Seconds since the epoch; 0 means the secret never expires (RFC 7591 §3.2.1).
    let clientSecretExpiresAt: Double?
    let registrationAccessToken: String?
    let registrationClientURI: String?
    let clientName: String?
    let grantTypes: [String]?
    let tokenEndpointAuthMethod: String?

    enum CodingKeys: String, CodingKey {
        case clientId = "client_id"
        case clientSecret = "client_secret"
        case clientSecretExpiresAt = "client_secret_expires_at"
        case registrationAccessToken = "registration_access_token"
        case registrationClientURI = "registration_client_uri"
        case clientName = "client_name"
        case grantTypes = "grant_types"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientId = try container.decode(String.self, forKey: .clientId)
        clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
        clientSecretExpiresAt = try container.decodeIfPresent(Double.self, forKey: .clientSecretExpiresAt)
        registrationAccessToken = try container.decodeIfPresent(String.self, forKey: .registrationAccessToken)
        registrationClientURI = try container.decodeIfPresent(String.self, forKey: .registrationClientURI)
        clientName = try container.decodeIfPresent(String.self, forKey: .clientName)
        grantTypes = try container.decodeIfPresent([String].self, forKey: .grantTypes)
        if let list = try? container.decodeIfPresent([String].self, forKey: .tokenEndpointAuthMethod) {
            tokenEndpointAuthMethod = list.first
        } else {
            tokenEndpointAuthMethod = try container.decodeIfPresent(String.self, forKey: .tokenEndpointAuthMethod)
        }
    }

    /// nil for "never" (0 or absent).
    var secretExpiresAt: Date? {
        guard let seconds = clientSecretExpiresAt, seconds > 0 else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
