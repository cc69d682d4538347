import Foundation

/// One credential that expires within a window: a client's secret, a secret a gateway holds itself, or Clientele's
/// own admin credential at an IdP.
public struct ExpiringSecret: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case clientSecret = "client-secret"
        /// A secret the gateway validates itself (a Kong key-auth key); `identityProvider` names the gateway.
        case gatewaySecret = "gateway-secret"
        case adminCredential = "admin-credential"
    }

    public var kind: Kind
    public var identityProvider: String
    /// The client's display name; for an admin credential, the IdP's name.
    public var client: String
    public var clientRowId: Int64?
    public var clientId: String?
    public var keyId: String?
    public var hint: String?
    public var state: SecretState
    public var expiresAt: Date
    /// Its last use as recorded; nil for an admin credential, whose use Clientele does not track.
    public var lastUse: SecretLastUse? = nil
}
