import Foundation
import GRDB

/// An OAuth client issued by an identity provider and called through a gateway.
public struct Client: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var identityProviderId: Int64
    public var displayName: String
    /// The OAuth client id (Entra: the app id).
    public var clientId: String
    /// Entra: the application's object id, which Graph addresses it by.
    public var objectId: String?
    public var ownerTeam: String?
    public var contact: String?
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64? = nil, identityProviderId: Int64, displayName: String, clientId: String, objectId: String? = nil,
        ownerTeam: String? = nil, contact: String? = nil, notes: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.identityProviderId = identityProviderId
        self.displayName = displayName
        self.clientId = clientId
        self.objectId = objectId
        self.ownerTeam = ownerTeam
        self.contact = contact
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A client's membership in an environment.
public struct ClientMembership: Codable, Sendable, Hashable {
    public var clientRowId: Int64
    public var environmentId: Int64

    public init(clientRowId: Int64, environmentId: Int64) {
        self.clientRowId = clientRowId
        self.environmentId = environmentId
    }
}

extension Client: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "client"
    public static let identityProvider = belongsTo(IdentityProvider.self)
    public static let secrets = hasMany(SecretMetadata.self, using: ForeignKey(["clientRowId"]))
    public static let memberships = hasMany(ClientMembership.self, using: ForeignKey(["clientRowId"]))
    public static let environments = hasMany(Environment.self, through: memberships, using: ClientMembership.environment)

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ClientMembership: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "clientEnvironment"
    public static let environment = belongsTo(Environment.self)
    public static let client = belongsTo(Client.self, using: ForeignKey(["clientRowId"]))
}

extension Client: StoredRecord {
    static let table = "client"
    static let columns = ["id", "identityProviderId", "displayName", "clientId", "objectId", "ownerTeam", "contact",
                          "notes", "createdAt", "updatedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), identityProviderId: try row.int64(1), displayName: try row.string(2),
            clientId: try row.string(3), objectId: try row.optionalString(4), ownerTeam: try row.optionalString(5),
            contact: try row.optionalString(6), notes: try row.optionalString(7), createdAt: try row.date(8),
            updatedAt: try row.date(9))
    }

    var storedValues: [StoreValue] {
        [.integer(identityProviderId), .text(displayName), .text(clientId), objectId.storeValue, ownerTeam.storeValue,
         contact.storeValue, notes.storeValue, .date(createdAt), .date(updatedAt)]
    }
}
