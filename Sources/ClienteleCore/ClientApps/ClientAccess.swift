import Foundation

/// The registry's record that a client may call an API of an environment: what a gateway's contracts (Anypoint
/// contracts, Tyk OAuth clients' APIs, Kong ACL groups) are compared with. Granted by `client grant`, or taken
/// from the gateway by `gateway sync --adopt`.
public struct ClientAccess: Codable, Sendable, Hashable {
    public var clientRowId: Int64
    public var environmentId: Int64
    /// The API's name, as policies narrowed to an API name it.
    public var api: String
    public var grantedAt: Date

    public init(clientRowId: Int64, environmentId: Int64, api: String, grantedAt: Date) {
        self.clientRowId = clientRowId
        self.environmentId = environmentId
        self.api = api
        self.grantedAt = grantedAt
    }
}

extension ClientAccess {
    static let selection = "clientAccess.clientRowId, clientAccess.environmentId, clientAccess.api, clientAccess.grantedAt"

    init(row: StoreRow) throws {
        self.init(clientRowId: try row.int64(0), environmentId: try row.int64(1), api: try row.string(2),
                  grantedAt: try row.date(3))
    }
}
