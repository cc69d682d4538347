import Foundation
import GRDB

/// What the registry knows about one client secret. Never the secret's text: only what the IdP shows to anyone
/// who may read the client (key id, the first three characters, dates).
public struct SecretMetadata: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var clientRowId: Int64
    public var keyId: String
    /// The first three characters, as Entra shows them; enough to tell secrets apart, useless to an attacker.
    public var hint: String
    public var displayName: String
    public var createdAt: Date
    /// Nil where the IdP issues secrets that never expire (common with OIDC providers).
    public var expiresAt: Date?
    public var state: SecretState
    /// For `.grace`: when the secret will be removed at the IdP.
    public var graceUntil: Date?
    public var origin: SecretOrigin
    public var removedAt: Date?
    /// The last use its IdP reported (at least this recent), and when the IdP was last asked and answered.
    public var lastUsedAt: Date?
    public var usageCheckedAt: Date?

    public init(
        id: Int64? = nil, clientRowId: Int64, keyId: String, hint: String, displayName: String, createdAt: Date,
        expiresAt: Date?, state: SecretState, graceUntil: Date? = nil, origin: SecretOrigin, removedAt: Date? = nil,
        lastUsedAt: Date? = nil, usageCheckedAt: Date? = nil
    ) {
        self.lastUsedAt = lastUsedAt
        self.usageCheckedAt = usageCheckedAt
        self.id = id
        self.clientRowId = clientRowId
        self.keyId = keyId
        self.hint = hint
        self.displayName = displayName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.state = state
        self.graceUntil = graceUntil
        self.origin = origin
        self.removedAt = removedAt
    }

    /// Its last use as recorded; `unavailable` is its IdP's reason for not saying (`IdentityProvider.usageUnavailable`).
    public func lastUse(unavailable: String?) -> SecretLastUse {
        Self.lastUse(lastUsedAt: lastUsedAt, usageCheckedAt: usageCheckedAt, unavailable: unavailable)
    }

    /// The same from bare columns, for reads that skip record decoding (`secrets expiring`).
    public static func lastUse(lastUsedAt: Date?, usageCheckedAt: Date?, unavailable: String?) -> SecretLastUse {
        if let lastUsedAt { return .usedAt(lastUsedAt) }
        if let unavailable { return .unknown(unavailable) }
        return usageCheckedAt == nil ? .unknown("not read from the IdP yet; run `clientele sync`") : .noUseRecorded
    }

    /// Whether the IdP should still accept this secret at `date`, as far as the registry knows.
    public func isLive(at date: Date) -> Bool {
        let unexpired = expiresAt.map { $0 > date } ?? true
        switch state {
        case .removed: return false
        case .grace: return unexpired && (graceUntil.map { $0 > date } ?? true)
        case .active, .pending: return unexpired
        }
    }
}

public enum SecretState: String, Codable, Sendable, CaseIterable {
    /// Created by a rotation that has not yet been delivered and verified.
    case pending
    case active
    /// Superseded by a rotation and still valid until `graceUntil`, so callers can switch over.
    case grace
    case removed
}

public enum SecretOrigin: String, Codable, Sendable, CaseIterable {
    /// Found at the IdP by a sync or the demo: someone else created it.
    case discovered
    /// Created by a Clientele rotation or registration.
    case rotated
}

extension SecretMetadata: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "secret"
    public static let client = belongsTo(Client.self, using: ForeignKey(["clientRowId"]))

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<SecretMetadata> {
    /// Secrets a caller may still be using: not removed.
    public func notRemoved() -> Self { filter(Column("state") != SecretState.removed.rawValue) }

    /// Secrets that count towards expiry: in use and not already being retired by a rotation.
    public func inService() -> Self {
        filter([SecretState.active.rawValue, SecretState.pending.rawValue].contains(Column("state")))
    }

    public func expiring(before cutoff: Date) -> Self { filter(Column("expiresAt") <= cutoff) }

    public func orderedByExpiry() -> Self { order(Column("expiresAt"), Column("id")) }
}

extension SecretMetadata: StoredRecord {
    static let table = "secret"
    static let columns = ["id", "clientRowId", "keyId", "hint", "displayName", "createdAt", "expiresAt", "state",
                          "graceUntil", "origin", "removedAt", "lastUsedAt", "usageCheckedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), clientRowId: try row.int64(1), keyId: try row.string(2), hint: try row.string(3),
            displayName: try row.string(4), createdAt: try row.date(5), expiresAt: try row.optionalDate(6),
            state: try row.value(7, as: SecretState.self), graceUntil: try row.optionalDate(8),
            origin: try row.value(9, as: SecretOrigin.self), removedAt: try row.optionalDate(10),
            lastUsedAt: try row.optionalDate(11), usageCheckedAt: try row.optionalDate(12))
    }

    var storedValues: [StoreValue] {
        [.integer(clientRowId), .text(keyId), .text(hint), .text(displayName), .date(createdAt), expiresAt.storeValue,
         .text(state.rawValue), graceUntil.storeValue, .text(origin.rawValue), removedAt.storeValue,
         lastUsedAt.storeValue, usageCheckedAt.storeValue]
    }
}
