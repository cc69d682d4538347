import Foundation
import GRDB

/// An open rotation with its client, for lists.
public struct RotationListing: Sendable {
    public var rotation: Rotation
    public var clientName: String
    public var identityProvider: String
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
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, c.displayName AS clientName, i.name AS idpName FROM rotation r
                    JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    \(includeFinished ? "" : "WHERE r.step NOT IN ('done', 'failed')")
                    ORDER BY r.step IN ('done', 'failed'), r.id DESC LIMIT ?
                    """, arguments: [limit])
            return try rows.map { row in
                RotationListing(rotation: try Rotation(row: row), clientName: row["clientName"],
                                identityProvider: row["idpName"])
            }
        }
    }

    func rotation(_ rotationId: Int64) throws -> Rotation {
        guard let rotation = try read({ db in try Rotation.fetchOne(db, key: rotationId) }) else {
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
        try write(bumpingRevision: false) { db in
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
