import Foundation

/// What a sync found and did: the registry brought in line with the IdP, and the drift both ways.
public struct SyncReport: Sendable, Codable {
    public struct SecretDrift: Sendable, Codable, Hashable {
        public var client: String
        public var clientId: String
        public var keyId: String
        public var hint: String
        public var displayName: String
        /// Left behind by an interrupted Clientele rotation (its display name says so) rather than by a person.
        public var fromInterruptedRotation: Bool
    }

    public var identityProvider: String
    public var clientsAtIdP: Int
    /// Clients found at the IdP that the registry did not have; now recorded.
    public var importedClients: [String]
    /// Secrets at the IdP the registry did not know (someone used the portal); now recorded.
    public var secretsUnknownToRegistry: [SecretDrift]
    /// Secrets the registry listed that the IdP no longer has; now marked removed.
    public var secretsGoneAtIdP: [SecretDrift]
    /// Registry clients the IdP no longer has; left in the registry for an operator to decide.
    public var clientsGoneAtIdP: [String]
    /// Known secrets whose expiry the IdP reports differently (an OIDC provider's `client_secret_expires_at`, a
    /// date changed in a portal); now recorded as the IdP says. Not drift: the secret is the same.
    public var expiriesUpdated: [SecretDrift] = []
    public var dryRun: Bool
    /// Why the IdP's record of secret use could not be read this time (recorded values stay); nil when it was.
    public var usageNote: String? = nil
    public var seconds: Double

    public var hasDrift: Bool {
        !secretsUnknownToRegistry.isEmpty || !secretsGoneAtIdP.isEmpty || !clientsGoneAtIdP.isEmpty
    }
}
