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
    /// process `mayTakeOver` proves gone. The write is a compare-and-set on the owner that was read, so two
    /// claimers never both win, whatever the engine's isolation.
    func claimRotationLease(
        _ rotationId: Int64, owner: String, holder: LeaseHolder, now: Date, until: Date,
        mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> RotationLeaseClaimResult {
        try write(bumpingRevision: false) { db in
            guard let rotation = try Rotation.fetchOne(db, key: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            guard rotation.isOpen else { return .finished(rotation) }
            if let current = rotation.leaseOwner, current != owner, let leaseUntil = rotation.leaseUntil,
                leaseUntil > now, !mayTakeOver(rotation.leaseHolder)
            {
                return .held(rotation.leaseHolder, rotation)
            }
            let holderJSON = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
            try db.execute(
                sql: """
                    UPDATE rotation SET leaseOwner = ?, leaseUntil = ?, leaseHolder = ?
                    WHERE id = ? AND leaseOwner IS ?
                    """, arguments: [owner, until, holderJSON, rotationId, rotation.leaseOwner])
            guard db.changesCount == 1, let claimed = try Rotation.fetchOne(db, key: rotationId) else {
                return .held(rotation.leaseHolder, rotation)
            }
            return .claimed(claimed)
        }
    }

    /// Extends `owner`'s lease; false when another process holds it now.
    func renewRotationLease(_ rotationId: Int64, owner: String, until: Date) throws -> Bool {
        try write(bumpingRevision: false) { db in try Self.renewLease(db, rotationId, owner: owner, until: until) }
    }

    /// The fence under every write of a rotation: extends `owner`'s lease inside the caller's transaction, or
    /// answers false (and the caller writes nothing) when `owner` no longer holds it.
    static func renewLease(_ db: Database, _ rotationId: Int64, owner: String, until: Date) throws -> Bool {
        try db.execute(sql: "UPDATE rotation SET leaseUntil = ? WHERE id = ? AND leaseOwner = ?",
                       arguments: [until, rotationId, owner])
        return db.changesCount == 1
    }

    func releaseRotationLease(_ rotationId: Int64, owner: String) throws {
        try write(bumpingRevision: false) { db in
            try db.execute(
                sql: "UPDATE rotation SET leaseOwner = NULL, leaseUntil = NULL, leaseHolder = NULL WHERE id = ? AND leaseOwner = ?",
                arguments: [rotationId, owner])
        }
    }

    func rotationLeaseHolder(_ rotationId: Int64) throws -> LeaseHolder? {
        try rotation(rotationId).leaseHolder
    }
}
