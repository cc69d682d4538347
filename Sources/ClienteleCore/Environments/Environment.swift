import Foundation
import GRDB

/// A deployment stage (Sandbox, Dev, Test, Prod) behind one gateway, where policies are assigned.
public struct Environment: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var name: String
    /// Anypoint's business group, or any grouping the gateway uses.
    public var businessGroup: String?
    /// The kind of gateway it runs behind: the bound gateway's kind once one is bound (a registry from before
    /// gateways were recorded keeps the kind it named, unbound, until `env set --gateway`).
    public var gateway: GatewayKind
    /// Display order: Sandbox before Prod.
    public var position: Int
    public var createdAt: Date
    /// The gateway whose APIs this environment governs, once bound.
    public var gatewayId: Int64?
    /// Its own environment at that gateway: Kong tag, Tyk org id, Anypoint environment id.
    public var gatewayEnvironment: String?

    public init(
        id: Int64? = nil, name: String, businessGroup: String? = nil, gateway: GatewayKind, position: Int,
        createdAt: Date, gatewayId: Int64? = nil, gatewayEnvironment: String? = nil
    ) {
        self.id = id
        self.name = name
        self.businessGroup = businessGroup
        self.gateway = gateway
        self.position = position
        self.createdAt = createdAt
        self.gatewayId = gatewayId
        self.gatewayEnvironment = gatewayEnvironment
    }
}

extension Environment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "environment"
    public static let memberships = hasMany(ClientMembership.self)
    public static let assignments = hasMany(PolicyAssignment.self).order(Column("position"))
    public static let boundGateway = belongsTo(Gateway.self)

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<Environment> {
    public func orderedForDisplay() -> Self { order(Column("position"), Column("name").collating(.nocase)) }
}

extension Environment: StoredRecord {
    static let table = "environment"
    static let columns = ["id", "name", "businessGroup", "gateway", "position", "createdAt", "gatewayId",
                          "gatewayEnvironment"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), name: try row.string(1), businessGroup: try row.optionalString(2),
            gateway: try row.value(3, as: GatewayKind.self), position: try row.int(4), createdAt: try row.date(5),
            gatewayId: try row.optionalInt64(6), gatewayEnvironment: try row.optionalString(7))
    }

    var storedValues: [StoreValue] {
        [.text(name), businessGroup.storeValue, .text(gateway.rawValue), .integer(Int64(position)), .date(createdAt),
         gatewayId.storeValue, gatewayEnvironment.storeValue]
    }
}
