import Foundation

/// What Clientele asks of an identity provider. The sandbox, Entra (Microsoft Graph) and generic OIDC
/// (RFC 7591/7592) adapters implement it; the rotation service and the CLI only ever see this protocol.
public protocol IdentityProviderAdapter: Sendable {
    var capabilities: IdentityProviderCapabilities { get }

    /// Every client the admin credential can see, with the metadata of its secrets.
    func discoverClients() async throws -> [RemoteClient]

    /// The same clients, handed to `receive` a page at a time as the IdP lists them, so a sync records each page
    /// while the next ones are fetched. A page may repeat a client an earlier page listed (the IdP's listing moved).
    func discoverClients(pageByPage receive: @Sendable ([RemoteClient]) async throws -> Void) async throws

    /// One client, or nil when the IdP no longer has it.
    func client(_ reference: RemoteClientReference) async throws -> RemoteClient?

    /// Creates a client with its first secret.
    func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret)

    /// Adds a secret. Where the IdP cannot keep two (no overlap), the new one replaces the old at once and
    /// `NewSecret.replacedKeyIds` says which ones died.
    func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret

    /// Removes one secret; a secret that is already gone counts as removed.
    func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws

    func deleteClient(_ reference: RemoteClientReference) async throws

    /// Asks the IdP whether `secret` works for the client, the way a caller would use it.
    func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification

    /// Whether Clientele can act at this IdP, and when its own credential there expires.
    func checkAdminAccess() async throws -> AdminAccessStatus

    /// Tries registration, read, update and delete on a throwaway client and reports each answer; nil where the
    /// IdP's API is fixed and needs no probing (Entra, the sandbox). Never touches an existing client.
    func probeClientManagement() async throws -> ClientManagementSupport?

    /// Throws one line naming what to do instead when this IdP cannot give the client a new secret, before
    /// anything is changed anywhere. Rotation calls it before it plans a rotation.
    func ensureCanIssueSecrets(for reference: RemoteClientReference) async throws

    /// When each secret of `clients` (every client the admin credential sees, when nil) was last used, as the IdP
    /// records it. Read before an old secret is retired, by sync, and by `secrets unused`. Never throws for a
    /// missing source or permission: that is `.unavailable`, and Clientele then behaves as if nobody could tell.
    func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport

    /// Whether Clientele may read that record here, and what is missing if not (`idp check`).
    func checkUsageAccess() async -> SecretUsageAccess
}

/// An IdP that lists its clients in one answer (or pages it lists only whole) hands them over as one page.
extension IdentityProviderAdapter {
    public func discoverClients(pageByPage receive: @Sendable ([RemoteClient]) async throws -> Void) async throws {
        try await receive(try await discoverClients())
    }
}

/// Entra and the sandbox manage secrets through one fixed API: nothing to probe, nothing to refuse up front.
extension IdentityProviderAdapter {
    public func probeClientManagement() async throws -> ClientManagementSupport? { nil }
    public func ensureCanIssueSecrets(for reference: RemoteClientReference) async throws {}
}

/// Most holders keep no record of when a secret was last used; those that do (Entra, the sandbox) say so.
extension IdentityProviderAdapter {
    public func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
        .unavailable("this holder keeps no record of when a secret was last used")
    }

    public func checkUsageAccess() async -> SecretUsageAccess {
        SecretUsageAccess(readable: false, detail: "keeps no record of when a secret was last used")
    }
}

/// What an IdP allows, which decides how a rotation proceeds.
public struct IdentityProviderCapabilities: Sendable, Hashable {
    /// Whether two secrets can be valid at once, so a rotation can leave a grace period.
    public var allowsOverlap: Bool
    /// The longest lifetime the IdP accepts for a new secret.
    public var maxSecretLifetime: TimeInterval?
    /// How many secrets a client may hold at once.
    public var maxActiveSecrets: Int?
    /// Whether the IdP lets a new secret's end date be chosen.
    public var choosesExpiry: Bool
    /// How long a new secret may be refused while the IdP replicates it (Entra: seconds to minutes). A rotation
    /// keeps asking for this long before it calls the new secret rejected. Zero where a secret works at once.
    public var newSecretPropagation: TimeInterval

    public init(allowsOverlap: Bool, maxSecretLifetime: TimeInterval?, maxActiveSecrets: Int?, choosesExpiry: Bool,
                newSecretPropagation: TimeInterval = 0)
    {
        self.allowsOverlap = allowsOverlap
        self.maxSecretLifetime = maxSecretLifetime
        self.maxActiveSecrets = maxActiveSecrets
        self.choosesExpiry = choosesExpiry
        self.newSecretPropagation = newSecretPropagation
    }
}

/// How the IdP addresses a client: its client id, and (Entra) the object id Graph uses.
public struct RemoteClientReference: Sendable, Hashable, CustomStringConvertible {
    public var clientId: String
    public var objectId: String?

    public init(clientId: String, objectId: String? = nil) {
        self.clientId = clientId
        self.objectId = objectId
    }

    public init(_ client: Client) { self.init(clientId: client.clientId, objectId: client.objectId) }

    public var description: String { clientId }
}

public struct RemoteClient: Sendable, Hashable {
    public var clientId: String
    public var objectId: String?
    public var displayName: String
    public var secrets: [RemoteSecret]

    public init(clientId: String, objectId: String? = nil, displayName: String, secrets: [RemoteSecret]) {
        self.clientId = clientId
        self.objectId = objectId
        self.displayName = displayName
        self.secrets = secrets
    }
}

/// A secret's metadata as the IdP reports it.
public struct RemoteSecret: Sendable, Hashable {
    public var keyId: String
    public var hint: String
    public var displayName: String
    public var createdAt: Date
    public var expiresAt: Date?

    public init(keyId: String, hint: String, displayName: String, createdAt: Date, expiresAt: Date?) {
        self.keyId = keyId
        self.hint = hint
        self.displayName = displayName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A secret just created at the IdP: its text exists only here, in memory, until delivered.
public struct NewSecret: Sendable {
    public var metadata: RemoteSecret
    public var text: SecretText
    /// Secrets the IdP invalidated when it issued this one (providers without overlap).
    public var replacedKeyIds: [String]

    public init(metadata: RemoteSecret, text: SecretText, replacedKeyIds: [String] = []) {
        self.metadata = metadata
        self.text = text
        self.replacedKeyIds = replacedKeyIds
    }
}

public enum SecretVerification: Sendable, Equatable {
    case accepted
    /// The IdP refused the secret (wrong, expired, removed).
    case rejected(String)
    /// The IdP could not be asked (unreachable, 5xx, timeout): not evidence either way.
    case couldNotVerify(String)
}

public struct AdminAccessStatus: Sendable, Equatable {
    public var canAct: Bool
    public var credentialExpiresAt: Date?
    public var detail: String

    public init(canAct: Bool, credentialExpiresAt: Date?, detail: String) {
        self.canAct = canAct
        self.credentialExpiresAt = credentialExpiresAt
        self.detail = detail
    }
}
