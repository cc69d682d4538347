import Foundation
import GRDB

/// An identity provider that issues clients: an Entra ID tenant, an OIDC provider, or the embedded sandbox.
/// Only non-secret settings live here; the admin credential is described by *where it comes from*.
public struct IdentityProvider: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var name: String
    public var kind: IdentityProviderKind
    public var settings: IdentityProviderSettings
    public var credentialSource: CredentialSource
    /// When Clientele's own credential at this IdP expires: it needs rotating like any other secret.
    public var adminCredentialExpiresAt: Date?
    public var createdAt: Date
    /// Why it could not say when its secrets were last used, as it last answered; nil when it could.
    public var usageUnavailable: String? = nil

    public init(
        id: Int64? = nil, name: String, kind: IdentityProviderKind, settings: IdentityProviderSettings,
        credentialSource: CredentialSource, adminCredentialExpiresAt: Date? = nil, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.settings = settings
        self.credentialSource = credentialSource
        self.adminCredentialExpiresAt = adminCredentialExpiresAt
        self.createdAt = createdAt
    }
}

public enum IdentityProviderKind: String, Codable, Sendable, CaseIterable {
    case entra, oidc, sandbox
    /// A gateway as the holder of the secrets it validates itself (Kong key-auth keys and OAuth2 credentials,
    /// Tyk OAuth clients, Anypoint client-id-enforcement applications). Made with the gateway (`gateway add`)
    /// and named after it, so those secrets sync, expire and rotate exactly as an IdP's do.
    case gateway

    /// The kinds `idp add` makes; a gateway's holder comes with the gateway.
    public static let addable: [IdentityProviderKind] = [.entra, .oidc, .sandbox]
}

/// Non-secret settings. Each kind uses its own subset; the rest stay nil.
public struct IdentityProviderSettings: Codable, Sendable, Hashable {
    /// Entra: directory (tenant) id.
    public var tenant: String?
    /// Entra: the admin app's client id. OIDC: unused.
    public var adminClientId: String?
    /// Entra: `https://login.microsoftonline.com` unless pointed elsewhere (tests use loopback).
    public var authority: String?
    /// Entra: `https://graph.microsoft.com/v1.0` unless pointed elsewhere.
    public var graph: String?
    /// OIDC: the issuer URL discovery starts from.
    public var issuer: String?
    /// OIDC: scopes registered clients ask for, and that verification requests.
    public var scopes: [String]?
    /// Sandbox: the file holding the sandbox's own state (beside the registry).
    public var sandboxStateFile: String?
    /// Sandbox: which real IdP it imitates.
    public var sandboxProfile: SandboxProfile?
    /// Entra: how long a rotation keeps asking about a new secret the IdP still refuses (replication); nil means
    /// the adapter's default (two minutes).
    public var secretReplicationWait: DurationText?
    /// OIDC: which RFC 7591/7592 operations the provider supports, as the last `idp check` found; nil until then.
    public var clientManagement: ClientManagementSupport?
    /// Gateway: the row id of the gateway whose held secrets this is.
    public var gatewayId: Int64?

    public init(
        tenant: String? = nil, adminClientId: String? = nil, authority: String? = nil, graph: String? = nil,
        issuer: String? = nil, scopes: [String]? = nil, sandboxStateFile: String? = nil,
        sandboxProfile: SandboxProfile? = nil, secretReplicationWait: DurationText? = nil,
        clientManagement: ClientManagementSupport? = nil, gatewayId: Int64? = nil
    ) {
        self.gatewayId = gatewayId
        self.secretReplicationWait = secretReplicationWait
        self.clientManagement = clientManagement
        self.tenant = tenant
        self.adminClientId = adminClientId
        self.authority = authority
        self.graph = graph
        self.issuer = issuer
        self.scopes = scopes
        self.sandboxStateFile = sandboxStateFile
        self.sandboxProfile = sandboxProfile
    }
}

/// How the sandbox behaves: like Entra (overlapping secrets, 24-month cap) or like a typical OIDC provider
/// (one secret at a time: a new one replaces the old at once).
public enum SandboxProfile: String, Codable, Sendable, CaseIterable {
    case entra, oidc
}

/// Where Clientele's admin credential for an IdP comes from. Never the credential itself.
public enum CredentialSource: Codable, Sendable, Hashable, CustomStringConvertible {
    case none
    case environmentVariable(String)
    case file(String)
    case command(String)
    case certificate(certificateFile: String, privateKeyFile: String)

    public var description: String {
        switch self {
        case .none: return "none"
        case .environmentVariable(let name): return "env $\(name)"
        case .file(let path): return "file \(path)"
        case .command(let command): return "command `\(command)`"
        case .certificate(let certificate, _): return "certificate \(certificate)"
        }
    }
}

extension IdentityProvider {
    /// "IdP 'entra-prod'", or "gateway 'kong-prod'" for a gateway's holder, for lines about who holds a secret.
    public var holderLabel: String { kind == .gateway ? "gateway '\(name)'" : "IdP '\(name)'" }
}

extension IdentityProvider: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "identityProvider"
    public static let clients = hasMany(Client.self)

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension IdentityProvider: StoredRecord {
    static let table = "identityProvider"
    static let columns = ["id", "name", "kind", "settings", "credentialSource", "adminCredentialExpiresAt",
                          "createdAt", "usageUnavailable"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), name: try row.string(1), kind: try row.value(2, as: IdentityProviderKind.self),
            settings: try row.json(3, as: IdentityProviderSettings.self),
            credentialSource: try row.json(4, as: CredentialSource.self),
            adminCredentialExpiresAt: try row.optionalDate(5), createdAt: try row.date(6))
        usageUnavailable = try row.optionalString(7)
    }

    var storedValues: [StoreValue] {
        get throws {
            [.text(name), .text(kind.rawValue), try StoredJSON.value(settings), try StoredJSON.value(credentialSource),
             adminCredentialExpiresAt.storeValue, .date(createdAt), usageUnavailable.storeValue]
        }
    }
}
