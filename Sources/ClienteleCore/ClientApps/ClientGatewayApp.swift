import Foundation

/// One of a client's gateway apps, for its page (console and `client show`): where, what, and its state when last
/// checked.
public struct ClientGatewayApp: Codable, Sendable, Hashable {
    public var gateway: String
    /// "consumer orders-batch", "application Orders Portal".
    public var app: String
    /// Linked by client id (the IdP's secret counts), or holding the client's secrets itself.
    public var holdsSecrets: Bool
    /// Whether the gateway shows a copy of the IdP's secret for it (which a rotation at the IdP leaves behind).
    public var showsSecretCopy: Bool
    public var environments: [String]
    public var credentials: [GatewayCredentialMetadata]
    public var contracts: Int
    public var findings: [GatewayAppFinding]
    public var checkedAt: Date?
    public var syncedAt: Date

    public var state: String { findings.stateText }
}
