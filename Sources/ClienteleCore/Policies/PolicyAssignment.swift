import Foundation

/// A policy in force in an environment, for every API or narrowed to one, at a position in the chain.
public struct PolicyAssignment: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var environmentId: Int64
    public var policy: PolicyKind
    /// The API it is narrowed to; empty means every API in the environment.
    public var api: String
    public var configuration: PolicyConfiguration
    /// Order in the environment's chain, from 1.
    public var position: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, environmentId: Int64, policy: PolicyKind, api: String = "",
        configuration: PolicyConfiguration, position: Int, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.environmentId = environmentId
        self.policy = policy
        self.api = api
        self.configuration = configuration
        self.position = position
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `rate-limiting` or `rate-limiting@orders-api`.
    public var label: String { api.isEmpty ? policy.rawValue : "\(policy.rawValue)@\(api)" }
}

extension PolicyAssignment: StoredRecord {
    static let table = "policyAssignment"
    static let columns = ["id", "environmentId", "policy", "api", "configuration", "position", "createdAt",
                          "updatedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), environmentId: try row.int64(1), policy: try row.value(2, as: PolicyKind.self),
            api: try row.string(3), configuration: try row.json(4, as: PolicyConfiguration.self),
            position: try row.int(5), createdAt: try row.date(6), updatedAt: try row.date(7))
    }

    var storedValues: [StoreValue] {
        get throws {
            [.integer(environmentId), .text(policy.rawValue), .text(api), try StoredJSON.value(configuration),
             .integer(Int64(position)), .date(createdAt), .date(updatedAt)]
        }
    }
}
