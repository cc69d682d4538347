import Crypto
import Foundation

/// A key id for a secret that its holder gives no id of its own (a Tyk OAuth client's secret, an Anypoint
/// application's): the first 48 bits of its SHA-256, so the registry can tell a new secret from the old one and
/// notice a reset made behind Clientele's back. It is not the secret and cannot be turned back into it; it is
/// less than the three clear characters Entra itself shows as a hint. It is never used to check a secret: that
/// is always asked of the holder.
public enum SecretFingerprint {
    public static func keyId(of secret: SecretText) -> String {
        let digest = SHA256.hash(data: Data(secret.reveal().utf8))
        return "sha256:" + digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
