import Foundation

/// A client with what a list needs to show about it, in one row.
public struct ClientSummary: Sendable, Hashable, Identifiable, Codable {
    public var id: Int64
    public var displayName: String
    public var clientId: String
    public var identityProvider: String
    public var environments: [String]
    public var ownerTeam: String?
    public var activeSecrets: Int
    /// The soonest expiry among secrets in service; nil when none expires.
    public var nextExpiry: Date?
}

/// What a client list is narrowed by.
public struct ClientFilter: Sendable, Hashable {
    public var text: String?
    public var environment: String?
    public var identityProvider: String?

    public init(text: String? = nil, environment: String? = nil, identityProvider: String? = nil) {
        self.text = text
        self.environment = environment
        self.identityProvider = identityProvider
    }
}

/// Everything about one client, for `client show` and the console's detail screen.
public struct ClientDetail: Sendable {
    public var client: Client
    public var identityProvider: IdentityProvider
    public var secrets: [SecretMetadata]
    public var environments: [Environment]
    public var policies: [EffectivePolicy]
    public var rotations: [Rotation]
    public var recentEvents: [AuditEvent]
    /// Its apps at gateways, per environment, with their state when last checked.
    public var gatewayApps: [ClientGatewayApp] = []
    /// The APIs the registry gives it.
    public var access: [ClientAPIAccess] = []
}

/// One API the registry gives a client, in one environment.
public struct ClientAPIAccess: Codable, Sendable, Hashable {
    public var environment: String
    public var api: String
}
