import Foundation

/// A client application as its gateway holds it: an Anypoint (Exchange) client application, a Kong consumer, a
/// Tyk OAuth client. Read by `gateway sync`, linked to the registry's clients by client id, and compared with the
/// identity provider by `gateway drift`. Never carries a key's or a secret's text: only what identifies a
/// credential and when it was made and expires.
public struct RemoteGatewayApp: Codable, Sendable, Hashable {
    /// The gateway's id for it: Kong consumer id, Tyk client id, Anypoint application id (as text).
    public var remoteId: String
    public var kind: GatewayAppKind
    /// What operators call it: Kong username (else custom_id), Tyk description (else client id), Anypoint name.
    public var name: String
    /// The OAuth client ids it is linked by, most telling first: Kong `custom_id` then its OAuth2 credentials'
    /// `client_id`s; Tyk's `client_id`; Anypoint's `clientId` (the IdP's client id under an external provider).
    public var clientIds: [String]
    /// The gateway environments it belongs to (Kong tags, Tyk org ids, Anypoint environment ids); nil where it
    /// belongs to the whole gateway (an untagged Kong consumer, an Anypoint application, which is org-wide).
    public var environments: [String]?
    /// Metadata of the credentials the gateway keeps for it.
    public var credentials: [GatewayCredentialMetadata]
    /// The APIs it has access to at the gateway.
    public var contracts: [GatewayAppContract]
    /// Whether the gateway shows a copy of an OAuth client secret for it (`GatewayAdapter.secretCopy`): Anypoint
    /// and Tyk always, Kong for an OAuth2 credential stored without `hash_secret`.
    public var showsSecretCopy: Bool

    public init(
        remoteId: String, kind: GatewayAppKind, name: String, clientIds: [String], environments: [String]? = nil,
        credentials: [GatewayCredentialMetadata] = [], contracts: [GatewayAppContract] = [],
        showsSecretCopy: Bool = false
    ) {
        self.remoteId = remoteId
        self.kind = kind
        self.name = name
        self.clientIds = clientIds
        self.environments = environments
        self.credentials = credentials
        self.contracts = contracts
        self.showsSecretCopy = showsSecretCopy
    }
}

public enum GatewayAppKind: String, Codable, Sendable, CaseIterable {
    case anypointApplication = "anypoint-application"
    case kongConsumer = "kong-consumer"
    case tykOAuthClient = "tyk-oauth-client"

    public var label: String {
        switch self {
        case .anypointApplication: return "application"
        case .kongConsumer: return "consumer"
        case .tykOAuthClient: return "OAuth client"
        }
    }
}

/// What the gateway keeps about one credential of an app. Never its text.
public struct GatewayCredentialMetadata: Codable, Sendable, Hashable {
    /// The gateway's id for it (Kong credential id); for a gateway that gives a secret no id of its own (Tyk,
    /// Anypoint), `SecretFingerprint.keyId(of:)` of the secret, so a new secret is told from the old.
    public var remoteId: String
    public var type: GatewayCredentialType
    /// One line in the gateway's terms, with nothing secret in it: "key-auth", "oauth2 client_id 1f0c…",
    /// "acl group gold", "jwt key https://issuer/".
    public var label: String
    public var createdAt: Date?
    /// Where the gateway records one (Kong key-auth `ttl`).
    public var expiresAt: Date?

    public init(remoteId: String, type: GatewayCredentialType, label: String, createdAt: Date? = nil,
                expiresAt: Date? = nil)
    {
        self.remoteId = remoteId
        self.type = type
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

public enum GatewayCredentialType: String, Codable, Sendable, CaseIterable {
    case keyAuth = "key-auth"
    case oauth2
    case jwt
    case acl
    case basicAuth = "basic-auth"
    case oauthClientSecret = "oauth-client-secret"

    /// Whether the gateway validates it itself, so it is a secret Clientele rotates at the gateway.
    public var isGatewayHeldSecret: Bool {
        switch self {
        case .keyAuth, .oauth2, .basicAuth, .oauthClientSecret: return true
        case .jwt, .acl: return false
        }
    }
}

/// An app's access to one API at the gateway: an Anypoint contract, a Tyk OAuth client's API (or its policy's
/// APIs), a Kong ACL group that a service's `acl` plugin allows.
public struct GatewayAppContract: Codable, Sendable, Hashable {
    /// The API's remote id, as `GatewayAdapter.apis(in:)` reports it (Kong service id, Tyk api_id, Anypoint
    /// instance id).
    public var apiRemoteId: String
    /// Anypoint's contract status (`APPROVED`, `PENDING`, `REVOKED`…); "granted" where the gateway has none.
    public var status: String

    public init(apiRemoteId: String, status: String = "granted") {
        self.apiRemoteId = apiRemoteId
        self.status = status
    }

    /// Whether the app can call the API now.
    public var isActive: Bool { ["granted", "APPROVED"].contains(status) }
}
