import Foundation
import GRDB

/// An open rotation with its client, for lists.
public struct RotationListing: Sendable {
    public var rotation: Rotation
    public var clientName: String
    public var identityProvider: String
    /// The most recent recorded use of a secret it retires, when that came after the new secret was delivered:
    /// what ending its grace would cut off.
    public var retiringUse: SecretUse?

    public init(rotation: Rotation, clientName: String, identityProvider: String, retiringUse: SecretUse? = nil) {
        self.rotation = rotation
        self.clientName = clientName
        self.identityProvider = identityProvider
        self.retiringUse = retiringUse
    }
}

/// A secret's recorded use: its key id and when.
public struct SecretUse: Sendable, Hashable {
    public var keyId: String
    public var at: Date

    public init(keyId: String, at: Date) {
        self.keyId = keyId
        self.at = at
    }
}

/// What a lease claim found.
enum RotationLeaseClaimResult: Sendable {
    case claimed(Rotation)
    case held(LeaseHolder?, Rotation)
    case finished(Rotation)
}

extension Registry {
    /// Rotations for lists: open ones first, then the most recent finished ones.
    public func rotations(includeFinished: Bool = false, limit: Int = 200) throws -> [RotationListing] {
        try sqliteRead { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, c.displayName AS clientName, i.name AS idpName FROM rotation r
                    JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    \(includeFinished ? "" : "WHERE r.step NOT IN ('done', 'failed')")
                    ORDER BY r.step IN ('done', 'failed'), r.id DESC LIMIT ?
                    """, arguments: [limit])
            return try rows.map { row in
                let rotation = try Rotation(row: row)
                return RotationListing(
                    rotation: rotation, clientName: row["clientName"], identityProvider: row["idpName"],
                    retiringUse: rotation.step == .grace ? try Self.retiringSecretInUse(db, rotation) : nil)
            }
        }
    }

    /// The latest recorded use of a secret rotation `rotationId` retires, when it came after the new secret was
    /// delivered (a rotation held for it, or a use recorded since).
    func retiringSecretInUse(_ rotationId: Int64) throws -> SecretUse? {
        try sqliteRead { db in
            guard let rotation = try Rotation.fetchOne(db, key: rotationId) else { return nil }
            return try Self.retiringSecretInUse(db, rotation)
        }
    }

    private static func retiringSecretInUse(_ db: Database, _ rotation: Rotation) throws -> SecretUse? {
        guard rotation.step == .grace, !rotation.retiringKeyIds.isEmpty else { return nil }
        let delivered = rotation.callersHadNewSecretAt
        let uses = try Row.fetchAll(
            db, sql: "SELECT keyId, lastUsedAt FROM secret WHERE clientRowId = ? AND lastUsedAt > ?",
            arguments: [rotation.clientRowId, delivered])
            .map { SecretUse(keyId: $0[0], at: $0[1]) }
            .filter { rotation.retiringKeyIds.contains($0.keyId) }
        return uses.max { $0.at < $1.at }
    }

    func rotation(_ rotationId: Int64) throws -> Rotation {
        guard let rotation = try sqliteRead({ db in try Rotation.fetchOne(db, key: rotationId) }) else {
            throw ClienteleError.notFound("no rotation #\(rotationId)")
        }
        return rotation
    }

    /// Claims an open rotation's lease for `owner` when it is free, expired, already `owner`'s, or held by a
    /// process `mayTakeOver` proves gone.
    func claimRotationLease(
        _ rotationId: Int64, owner: String, holder: LeaseHolder, now: Date, until: Date,
        mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> RotationLeaseClaimResult {
        try sqliteWrite(bumpingRevision: false) { db in
            guard let rotation = try Rotation.fetchOne(db, key: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            guard rotation.isOpen else { return .finished(rotation) }
            if Self.leaseKeepsOut(
                claimer: owner, owner: rotation.leaseOwner, until: rotation.leaseUntil, holder: rotation.leaseHolder,
                now: now, mayTakeOver: mayTakeOver)
            {
                return .held(rotation.leaseHolder, rotation)
            }
            guard try Self.claimLease(
                db, .rotation(rotationId), expectedOwner: rotation.leaseOwner, owner: owner, holder: holder,
                until: until),
                let claimed = try Rotation.fetchOne(db, key: rotationId)
            else {
                return .held(rotation.leaseHolder, rotation)
            }
            return .claimed(claimed)
        }
    }
}
