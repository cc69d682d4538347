import Crypto
import Foundation

/// OIDC has no key ids for client secrets (a client has one `client_secret`, RFC 7591 §3.2.1), but the registry
/// tells secrets apart by key id. This derives a stable one from the secret itself: the first 16 hex digits of
/// SHA-256(client_id ":" client_secret). The same secret always gets the same id, a new secret a new one, and
/// 64 bits of a hash reveal nothing usable about a random secret.
enum OIDCSecretKeyId {
    static func derive(clientId: String, secret: SecretText) -> String {
        let digest = SHA256.hash(data: Data("\(clientId):\(secret.reveal())".utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
