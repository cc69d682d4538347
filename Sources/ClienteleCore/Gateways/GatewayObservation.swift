import Foundation

/// What an environment's gateway ran when Clientele last read it (`gateway sync`, `gateway drift`, an apply).
public struct GatewayObservation: Codable, Sendable, Hashable {
    public var environmentId: Int64
    public var gatewayId: Int64
    public var observedAt: Date
    public var elements: [GatewayPolicy]
    public var apiCount: Int
    /// Why the gateway could not be read, when it could not.
    public var error: String?

    public init(environmentId: Int64, gatewayId: Int64, observedAt: Date, elements: [GatewayPolicy], apiCount: Int,
                error: String? = nil)
    {
        self.environmentId = environmentId
        self.gatewayId = gatewayId
        self.observedAt = observedAt
        self.elements = elements
        self.apiCount = apiCount
        self.error = error
    }
}

extension GatewayObservation {
    private static let columns = "environmentId, gatewayId, observedAt, elements, apiCount, error"

    /// One row per environment: a newer reading replaces the last.
    static func save(_ observation: GatewayObservation, _ transaction: StoreTransaction) throws {
        try transaction.execute(
            """
            INSERT INTO gatewayObservation(\(columns)) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(environmentId) DO UPDATE SET gatewayId = excluded.gatewayId, observedAt = excluded.observedAt,
                elements = excluded.elements, apiCount = excluded.apiCount, error = excluded.error
            """,
            [.integer(observation.environmentId), .integer(observation.gatewayId), .date(observation.observedAt),
             try StoredJSON.value(observation.elements), .integer(Int64(observation.apiCount)),
             observation.error.storeValue])
    }

    static func all(_ transaction: StoreTransaction) throws -> [GatewayObservation] {
        try transaction.fetchAll("SELECT \(columns) FROM gatewayObservation ORDER BY environmentId") { row in
            GatewayObservation(
                environmentId: try row.int64(0), gatewayId: try row.int64(1), observedAt: try row.date(2),
                elements: try row.json(3, as: [GatewayPolicy].self), apiCount: try row.int(4),
                error: try row.optionalString(5))
        }
    }
}
