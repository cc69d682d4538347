import Foundation

/// An API as its gateway knows it: a Kong service (with its routes), a Tyk API definition, an Anypoint API
/// instance. Imported by `gateway sync`; a policy assigned `--api NAME` is narrowed to the API of that name.
public struct RemoteAPI: Codable, Sendable, Hashable {
    /// The gateway's id for it: Kong service id, Tyk `api_id`, Anypoint instance id (as text).
    public var remoteId: String
    /// What operators call it: Kong service name, Tyk name, Anypoint instance label (or asset id).
    public var name: String
    /// One line about it: Kong routes' paths, Tyk listen path, Anypoint asset and version.
    public var detail: String

    public init(remoteId: String, name: String, detail: String = "") {
        self.remoteId = remoteId
        self.name = name
        self.detail = detail
    }
}

/// An API imported into the registry, in the environment whose scope at the gateway holds it.
public struct GatewayAPIRecord: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var gatewayId: Int64
    public var environmentId: Int64
    public var remoteId: String
    public var name: String
    public var detail: String
    public var syncedAt: Date

    public var api: RemoteAPI { RemoteAPI(remoteId: remoteId, name: name, detail: detail) }
}

/// Where at its gateway an environment lives: what every adapter call is scoped to.
public struct GatewayScope: Sendable, Hashable {
    public var gatewayName: String
    public var environmentName: String
    /// Kong: the environment's tag; Tyk: its org id; Anypoint: its environment id. Nil where the gateway has none.
    public var gatewayEnvironment: String?

    public init(gatewayName: String, environmentName: String, gatewayEnvironment: String?) {
        self.gatewayName = gatewayName
        self.environmentName = environmentName
        self.gatewayEnvironment = gatewayEnvironment
    }
}

extension GatewayAPIRecord: StoredRecord {
    static let table = "gatewayApi"
    static let columns = ["id", "gatewayId", "environmentId", "remoteId", "name", "detail", "syncedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), gatewayId: try row.int64(1), environmentId: try row.int64(2),
            remoteId: try row.string(3), name: try row.string(4), detail: try row.string(5),
            syncedAt: try row.date(6))
    }

    var storedValues: [StoreValue] {
        [.integer(gatewayId), .integer(environmentId), .text(remoteId), .text(name), .text(detail), .date(syncedAt)]
    }
}
