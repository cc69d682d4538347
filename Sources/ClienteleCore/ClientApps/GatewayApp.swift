import Foundation

/// A gateway's client app as the registry last saw it (`gateway sync`), with what the last check found.
public struct GatewayApp: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var gatewayId: Int64
    public var remoteId: String
    public var kind: GatewayAppKind
    public var name: String
    /// The app as the gateway reported it (metadata only: `RemoteGatewayApp` never carries secret text).
    public var app: RemoteGatewayApp
    /// What the last `gateway sync` or `gateway drift` found; empty when the app and the registry agree.
    public var findings: [GatewayAppFinding]
    /// The client id it was last linked to an IdP client by, remembered after that client is gone.
    public var linkedClientId: String?
    /// When the IdP was last asked about it (orphan and copy checks); nil when it never was.
    public var checkedAt: Date?
    public var syncedAt: Date

    public init(id: Int64? = nil, gatewayId: Int64, app: RemoteGatewayApp, findings: [GatewayAppFinding],
                linkedClientId: String? = nil, checkedAt: Date?, syncedAt: Date)
    {
        self.linkedClientId = linkedClientId
        self.id = id
        self.gatewayId = gatewayId
        self.remoteId = app.remoteId
        self.kind = app.kind
        self.name = app.name
        self.app = app
        self.findings = findings
        self.checkedAt = checkedAt
        self.syncedAt = syncedAt
    }
}

/// Which registry client an app stands for, and how (a `gatewayAppClient` row).
enum GatewayAppClient {
    enum Role: String, Codable, Sendable {
        /// The IdP's client with the app's client id: the secret that counts is the IdP's.
        case linked
        /// A client under the gateway's holder, carrying secrets the gateway validates itself.
        case holder
    }
}

extension GatewayApp: StoredRecord {
    static let table = "gatewayApp"
    static let columns = ["id", "gatewayId", "remoteId", "kind", "name", "app", "findings", "linkedClientId",
                          "checkedAt", "syncedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), gatewayId: try row.int64(1), app: try row.json(5, as: RemoteGatewayApp.self),
            findings: try row.json(6, as: [GatewayAppFinding].self), linkedClientId: try row.optionalString(7),
            checkedAt: try row.optionalDate(8), syncedAt: try row.date(9))
        // The columns, not the document, are what queries matched on: keep them as stored.
        remoteId = try row.string(2)
        kind = try row.value(3, as: GatewayAppKind.self)
        name = try row.string(4)
    }

    var storedValues: [StoreValue] {
        get throws {
            [.integer(gatewayId), .text(remoteId), .text(kind.rawValue), .text(name), try StoredJSON.value(app),
             try StoredJSON.value(findings), linkedClientId.storeValue, checkedAt.storeValue, .date(syncedAt)]
        }
    }
}
