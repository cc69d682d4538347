import Foundation

/// An API gateway that environments are bound to: a Kong Admin API, a Tyk Gateway, or an Anypoint organization
/// (or the embedded sandbox, which imitates one of them). Only non-secret settings live here; Clientele's admin
/// credential is described by where it comes from, exactly as for identity providers.
public struct Gateway: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var name: String
    /// Which gateway product it is (or, for the sandbox, imitates). Never `.none`.
    public var kind: GatewayKind
    public var settings: GatewaySettings
    public var credentialSource: CredentialSource
    public var createdAt: Date

    public init(
        id: Int64? = nil, name: String, kind: GatewayKind, settings: GatewaySettings,
        credentialSource: CredentialSource, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.settings = settings
        self.credentialSource = credentialSource
        self.createdAt = createdAt
    }

    public var isSandbox: Bool { settings.sandboxStateFile != nil }

    /// `kong`, or `kong (sandbox)` for the embedded one.
    public var kindLabel: String { isSandbox ? "\(kind.rawValue) (sandbox)" : kind.rawValue }

    /// Where requests go, for `gateway list` and error lines.
    public var endpoint: String {
        if let file = settings.sandboxStateFile { return "sandbox \(file)" }
        return settings.url ?? "-"
    }
}

/// Non-secret settings. Each kind uses its own subset; the rest stay nil.
public struct GatewaySettings: Codable, Sendable, Hashable {
    /// Kong: the Admin API URL. Tyk: the gateway's control URL. Anypoint: the platform host
    /// (`https://anypoint.mulesoft.com` unless pointed at a region or a test server).
    public var url: String?
    /// Kong: the header the admin token goes in (Kong Enterprise's `Kong-Admin-Token` unless told otherwise).
    public var tokenHeader: String?
    /// Anypoint: the organization id.
    public var organizationId: String?
    /// Anypoint: the connected app's client id (its secret comes from the credential source).
    public var clientId: String?
    /// Sandbox: the file holding the sandbox gateway's state (beside the registry).
    public var sandboxStateFile: String?

    public init(
        url: String? = nil, tokenHeader: String? = nil, organizationId: String? = nil, clientId: String? = nil,
        sandboxStateFile: String? = nil
    ) {
        self.url = url
        self.tokenHeader = tokenHeader
        self.organizationId = organizationId
        self.clientId = clientId
        self.sandboxStateFile = sandboxStateFile
    }
}

public enum GatewayKind: String, Codable, Sendable, CaseIterable {
    case anypoint, kong, tyk, none

    /// The kinds a gateway can be; `none` is only an environment with no gateway.
    public static let products: [GatewayKind] = [.kong, .tyk, .anypoint]

    /// What an environment's `--gateway-environment` means on this gateway.
    public var environmentMeaning: String {
        switch self {
        case .kong: return "the tag that marks the services this environment owns"
        case .tyk: return "the org id of this environment's API definitions"
        case .anypoint: return "the environment id inside the organization"
        case .none: return "nothing"
        }
    }
}

extension Gateway: StoredRecord {
    static let table = "gateway"
    static let columns = ["id", "name", "kind", "settings", "credentialSource", "createdAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), name: try row.string(1), kind: try row.value(2, as: GatewayKind.self),
            settings: try row.json(3, as: GatewaySettings.self),
            credentialSource: try row.json(4, as: CredentialSource.self), createdAt: try row.date(5))
    }

    var storedValues: [StoreValue] {
        get throws {
            [.text(name), .text(kind.rawValue), try StoredJSON.value(settings), try StoredJSON.value(credentialSource),
             .date(createdAt)]
        }
    }
}
