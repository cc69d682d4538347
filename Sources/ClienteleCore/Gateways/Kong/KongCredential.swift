import Foundation

/// One credential a consumer holds, of a DAO Clientele reads (kong/plugins/*/daos.lua), kept as Kong answered it
/// for as long as one request needs it. Its text fields (`key`, `client_secret`, `password`, `secret`) never
/// leave this type except into a `SecretText` or an in-memory comparison.
struct KongCredential: Sendable {
    let id: String
    let consumerId: String
    let type: GatewayCredentialType
    let value: GatewayValue

    init?(_ value: GatewayValue, type: GatewayCredentialType) {
        guard let id = value[path: "id"]?.stringValue, let consumer = value[path: "consumer.id"]?.stringValue
        else { return nil }
        self.id = id
        consumerId = consumer
        self.type = type
        self.value = value
    }

    /// The Admin API's top-level collection and the segment under `/consumers/{c}/` (the DAO's
    /// `admin_api_name` and `admin_api_nested_name`).
    static func collections(_ type: GatewayCredentialType) -> (top: String, nested: String)? {
        switch type {
        case .keyAuth: return ("/key-auths", "key-auth")
        case .oauth2: return ("/oauth2", "oauth2")
        case .jwt: return ("/jwts", "jwt")
        case .acl: return ("/acls", "acls")
        case .basicAuth: return ("/basic-auths", "basic-auth")
        case .oauthClientSecret: return nil
        }
    }

    var createdAt: Date? { value[path: "created_at"]?.numberValue.map { Date(timeIntervalSince1970: $0) } }

    /// Where Kong records a lifetime (key-auth `ttl`): the `ttl` it answers is the whole seconds left when it
    /// was read (its postgres strategy selects `FLOOR(ttl - now)`), not the ttl it was made with, so the end lies
    /// within the second after read time plus that; its middle keeps two reads within a second of each other
    /// (sync takes a second's difference as rounding).
    func expiresAt(readAt: Date) -> Date? {
        value[path: "ttl"]?.numberValue.map { readAt + $0 + 0.5 }
    }

    var clientId: String? { value[path: "client_id"]?.stringValue }
    var group: String? { value[path: "group"]?.stringValue }

    /// One line in Kong's terms with nothing secret in it: a jwt `key` is the issuer the token names, an oauth2
    /// `client_id` and a basic-auth `username` are identifiers; keys, secrets and passwords are left out.
    var label: String {
        switch type {
        case .keyAuth: return "key-auth"
        case .oauth2: return "oauth2 client_id \(clientId ?? "?")"
        case .jwt: return "jwt key \(value[path: "key"]?.stringValue ?? "?")"
        case .acl: return "acl group \(group ?? "?")"
        case .basicAuth: return "basic-auth username \(value[path: "username"]?.stringValue ?? "?")"
        case .oauthClientSecret: return type.rawValue
        }
    }

    func metadata(readAt: Date) -> GatewayCredentialMetadata {
        GatewayCredentialMetadata(remoteId: id, type: type, label: label, createdAt: createdAt,
                                  expiresAt: expiresAt(readAt: readAt))
    }

    /// A key-auth credential's key, for delivery or an in-memory comparison only. (An OAuth2 secret may be stored
    /// hashed: `KongOAuth2Secret` reads that one.)
    var key: SecretText? {
        guard type == .keyAuth else { return nil }
        return value[path: "key"]?.stringValue.map(SecretText.init)
    }
}
