import Foundation

/// What Clientele asks of a gateway. The Kong, Tyk, Anypoint and sandbox adapters implement it; the policy
/// service (plan, apply, drift, adopt) and the CLI only ever see this protocol and the adapter's mapping.
public protocol GatewayAdapter: Sendable {
    /// How Clientele's policies are expressed on this gateway.
    var mapping: any GatewayPolicyMapping { get }

    /// Reachable, credential accepted, version, and what this Clientele can manage there. Throws only for a
    /// failure that leaves nothing to report (the report carries an unreachable gateway as a problem).
    func check() async throws -> GatewayCheck

    /// The APIs in the environment's scope: Kong services tagged with its tag (every service when it has none),
    /// Tyk API definitions of its org, Anypoint API instances in its environment. Every page is read.
    func apis(in scope: GatewayScope) async throws -> [RemoteAPI]

    /// What the gateway runs on those APIs, every element it has there, in its own terms (`kind` set where the
    /// mapping recognises it, `managed` where Clientele wrote it).
    func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy]

    /// Carries out one step and returns the element as the gateway now holds it (with its remote id); nil after a
    /// delete, a reorder or a reload. A value the gateway rejects is one line naming the gateway, the environment,
    /// the policy and the field.
    func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy?

    /// The environment's state as a file another tool reads (Kong: a decK file). Throws one line where the
    /// gateway has no such format.
    func export(_ format: GatewayExportFormat, apis: [RemoteAPI], in scope: GatewayScope) async throws -> String

    // MARK: The client side

    /// Every client application the gateway holds, every page read, with its credentials' metadata and its
    /// contracts (see `RemoteGatewayApp`).
    func clientApps() async throws -> [RemoteGatewayApp]

    /// The copy of an OAuth client secret the gateway shows for `app` under `clientId` (Anypoint's and Tyk's
    /// client secret, a Kong OAuth2 credential's `client_secret`), read fresh; nil where it shows none (hashed,
    /// or no such client id on the app). Only ever handed to an IdP's `verify`, never kept.
    func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText?

    /// The gateway as the holder of the secrets it validates itself, behind the shape IdPs have, so sync,
    /// expiry and the rotation state machine treat them as they treat an IdP's. Each `RemoteClient` it reports
    /// is one set of gateway-held secrets that rotate together:
    /// - Kong: per consumer, its key-auth keys (`clientId` "<consumer id>/key-auth") and its OAuth2 credentials
    ///   ("<consumer id>/oauth2"); `objectId` the consumer id; a secret's `keyId` is the credential id. Overlap:
    ///   a rotation adds a credential and deletes the old one after the grace period.
    /// - Tyk: per OAuth client (`clientId` its client id, `objectId` its API id); one secret, `keyId` its
    ///   `SecretFingerprint`; no overlap (the rotate endpoint replaces the secret).
    /// - Anypoint: per client application (`clientId` its client id, `objectId` the application id); one
    ///   secret, `keyId` its fingerprint; no overlap (secret reset). Sync leaves out an application whose client
    ///   id is an IdP's client: that secret is the IdP's.
    /// Verification reads the credential back from the gateway. `register` and `deleteClient` are refused in one
    /// line: apps are made and removed at the gateway.
    func credentialHolder() -> any IdentityProviderAdapter
}

extension GatewayAdapter {
    public func export(_ format: GatewayExportFormat, apis: [RemoteAPI], in scope: GatewayScope) async throws
        -> String
    {
        throw ClienteleError.invalidInput(
            "gateway \(scope.gatewayName): \(mapping.kind.rawValue) has no \(format.rawValue) export (decK files are Kong's)")
    }
}

public enum GatewayExportFormat: String, Codable, Sendable, CaseIterable {
    case deck
}

/// What `gateway check` found.
public struct GatewayCheck: Sendable, Hashable, Codable {
    public var reachable: Bool
    public var credentialAccepted: Bool
    /// The product's version as it reports it (`3.10.0`), nil when it could not be read.
    public var version: String?
    /// Edition or flavour where it matters (Kong `community` vs `enterprise`).
    public var edition: String?
    /// What this Clientele can manage there, one line each ("plugins on services tagged prod", "API
    /// definitions and policies (policy_source file)").
    public var manageable: [String]
    /// What is wrong or missing, one line each, with what to do.
    public var problems: [String]

    public init(
        reachable: Bool, credentialAccepted: Bool, version: String? = nil, edition: String? = nil,
        manageable: [String] = [], problems: [String] = []
    ) {
        self.reachable = reachable
        self.credentialAccepted = credentialAccepted
        self.version = version
        self.edition = edition
        self.manageable = manageable
        self.problems = problems
    }

    public var isHealthy: Bool { reachable && credentialAccepted && problems.isEmpty }
}

/// Finds the adapter for a gateway; the policy service asks this, never a concrete adapter.
public protocol GatewayAdapters: Sendable {
    func adapter(for gateway: Gateway) throws -> any GatewayAdapter
}
