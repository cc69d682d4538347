import Foundation
import GRDB

/// A deployment stage (Sandbox, Dev, Test, Prod) behind one gateway, where policies are assigned.
public struct Environment: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var name: String
    /// Anypoint's business group, or any grouping the gateway uses.
    public var businessGroup: String?
    public var gateway: GatewayKind
    /// Display order: Sandbox before Prod.
    public var position: Int
    public var createdAt: Date

    public init(
        id: Int64? = nil, name: String, businessGroup: String? = nil, gateway: GatewayKind, position: Int,
        createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.businessGroup = businessGroup
        self.gateway = gateway
        self.position = position
        self.createdAt = createdAt
    }
}

public enum GatewayKind: String, Codable, Sendable, CaseIterable {
    case anypoint, kong, tyk, none
}

extension Environment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "environment"
    public static let memberships = hasMany(ClientMembership.self)
    public static let assignments = hasMany(PolicyAssignment.self).order(Column("position"))

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<Environment> {
    public func orderedForDisplay() -> Self { order(Column("position"), Column("name").collating(.nocase)) }
}
