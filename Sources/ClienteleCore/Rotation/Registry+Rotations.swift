import Foundation

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
    /// The rotations not yet done or failed, as a WHERE condition on `rotation`.
    static let openRotationCondition = "step NOT IN ('done', 'failed')"

    /// Rotations for lists: open ones first, then the most recent finished ones.
    public func rotations(includeFinished: Bool = false, limit: Int = 200) throws -> [RotationListing] {
        try read { transaction in
            try transaction.fetchAll(
                """
                SELECT \(Rotation.selection(as: "r")), c.displayName, i.name FROM rotation r
                JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                \(includeFinished ? "" : "WHERE r.\(Self.openRotationCondition)")
                ORDER BY CASE WHEN r.\(Self.openRotationCondition) THEN 0 ELSE 1 END, r.id DESC LIMIT ?
                """, [.integer(Int64(limit))]
            ) { row in
                let rotation = try Rotation(row: row)
                let columns = Rotation.columns.count
                return RotationListing(
                    rotation: rotation, clientName: try row.string(columns), identityProvider: try row.string(columns + 1),
                    retiringUse: rotation.step == .grace ? try Self.retiringSecretInUse(transaction, rotation) : nil)
            }
        }
    }

    /// The latest recorded use of a secret rotation `rotationId` retires, when it came after the new secret was
    /// delivered (a rotation held for it, or a use recorded since).
    func retiringSecretInUse(_ rotationId: Int64) throws -> SecretUse? {
        try read { transaction in
            guard let rotation = try transaction.record(Rotation.self, id: rotationId) else { return nil }
            return try Self.retiringSecretInUse(transaction, rotation)
        }
    }

    private static func retiringSecretInUse(_ transaction: StoreTransaction, _ rotation: Rotation) throws -> SecretUse? {
        guard rotation.step == .grace, !rotation.retiringKeyIds.isEmpty else { return nil }
        let uses = try transaction.fetchAll(
            "SELECT keyId, lastUsedAt FROM secret WHERE clientRowId = ? AND lastUsedAt > ?",
            [.integer(rotation.clientRowId), .date(rotation.callersHadNewSecretAt)]
        ) { SecretUse(keyId: try $0.string(0), at: try $0.date(1)) }
        return uses.filter { rotation.retiringKeyIds.contains($0.keyId) }.max { $0.at < $1.at }
    }

    func rotation(_ rotationId: Int64) throws -> Rotation {
        guard let rotation = try read({ transaction in try transaction.record(Rotation.self, id: rotationId) }) else {
            throw ClienteleError.notFound("no rotation #\(rotationId)")
        }
        return rotation
    }

    /// Every open rotation, oldest first.
    func openRotations() throws -> [Rotation] {
        try read { transaction in try transaction.records(Rotation.self, "WHERE \(Self.openRotationCondition) ORDER BY id") }
    }

    /// The client's open rotation (the registry keeps at most one).
    func openRotation(ofClient clientRowId: Int64) throws -> Rotation? {
        try read { transaction in try Self.openRotation(transaction, ofClient: clientRowId) }
    }

    private static func openRotation(_ transaction: StoreTransaction, ofClient clientRowId: Int64) throws -> Rotation? {
        try transaction.record(Rotation.self, "WHERE clientRowId = ? AND \(openRotationCondition)", [.integer(clientRowId)])
    }

    /// The client's most recent rotation, open or not.
    func latestRotation(ofClient clientRowId: Int64) throws -> Rotation? {
        try read { transaction in
            try transaction.record(Rotation.self, "WHERE clientRowId = ? ORDER BY id DESC", [.integer(clientRowId)])
        }
    }

    /// What a rotation of the client starts from: its secrets in service (soonest expiry first, as they are
    /// retired) and its open rotation, read together.
    func rotationStart(ofClient clientRowId: Int64) throws -> (inService: [SecretMetadata], open: Rotation?) {
        try read { transaction in
            // NULLS FIRST: where SQLite always put never-expiring secrets, and PostgreSQL would not.
            (try transaction.records(
                SecretMetadata.self,
                "WHERE clientRowId = ? AND state IN ('active', 'pending') ORDER BY expiresAt NULLS FIRST, id",
                [.integer(clientRowId)]),
             try Self.openRotation(transaction, ofClient: clientRowId))
        }
    }

    /// Records `planned` (a rotation at `planned`, leased to its planner for `leaseTerm`), names its new secret
    /// after it, and audits it with `details`. Throws `OpenRotationExists` when another process planned one for
    /// the client since the caller looked: the writers' lock orders the two writes, so the second sees the first's
    /// (the one-open-rotation-per-client index stays as the last word, but its error names no client).
    func recordPlannedRotation(
        _ planned: Rotation, leaseTerm: LeaseTerm, client: Client, at now: Date, details: [String: String]
    ) throws -> Rotation {
        try write { transaction in
            if let open = try Self.openRotation(transaction, ofClient: planned.clientRowId) {
                throw OpenRotationExists(rotation: open)
            }
            var rotation = planned
            rotation.leaseUntil = try transaction.leaseTime() + leaseTerm.duration
            try transaction.insert(&rotation)
            // Unique per rotation, so an unrecorded secret left by a crashed run can be recognised at the IdP.
            rotation.newSecretDisplayName = "clientele rotation #\(rotation.id!)"
            try transaction.update(rotation)
            var allDetails = details
            allDetails["rotation"] = String(rotation.id!)
            try AuditTrail.append(
                transaction, at: now, actor: rotation.actor, action: "rotation.planned", client: client,
                details: allDetails)
            return rotation
        }
    }

    /// Claims for `owner` the oldest open rotation after `afterId` whose lease is free, lapsed or already
    /// `owner`'s; nil when none is left. Processes advancing side by side each take the next free rotation: on
    /// PostgreSQL the candidate is locked with SKIP LOCKED, so a row another claimer is taking this instant is
    /// passed over rather than waited for, and the lock ends with this short transaction, never held across a
    /// call to an IdP. Rotations held by a live-looking process are left to `claimRotationLease`, which can ask
    /// whether that process is provably gone.
    func claimNextOpenRotation(after afterId: Int64, owner: String, holder: LeaseHolder, term: LeaseTerm) throws
        -> Rotation?
    {
        try leaseWrite { transaction in
            let now = try transaction.leaseTime()
            guard let candidate = try transaction.record(
                Rotation.self,
                """
                WHERE \(Self.openRotationCondition) AND id > ?
                AND (leaseOwner IS NULL OR leaseOwner = ? OR leaseUntil <= ?)
                ORDER BY id LIMIT 1 \(transaction.dialect.lockingRowsSkippingLocked)
                """, [.integer(afterId), .text(owner), .date(now)])
            else { return nil }
            guard try Self.claimLease(
                transaction, .rotation(candidate.id!), expectedOwner: candidate.leaseOwner, owner: owner,
                holder: holder, term: term)
            else { return nil }
            return try transaction.record(Rotation.self, id: candidate.id!)
        }
    }

    /// Claims an open rotation's lease for `owner` when it is free, expired, already `owner`'s, or held by a
    /// process `mayTakeOver` proves gone.
    func claimRotationLease(
        _ rotationId: Int64, owner: String, holder: LeaseHolder, term: LeaseTerm,
        mayTakeOver: @Sendable (LeaseHolder?) -> Bool
    ) throws -> RotationLeaseClaimResult {
        try leaseWrite { transaction in
            guard let rotation = try transaction.record(Rotation.self, id: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            guard rotation.isOpen else { return .finished(rotation) }
            if Self.leaseKeepsOut(
                claimer: owner, owner: rotation.leaseOwner, until: rotation.leaseUntil, holder: rotation.leaseHolder,
                now: try transaction.leaseTime(), mayTakeOver: mayTakeOver)
            {
                return .held(rotation.leaseHolder, rotation)
            }
            guard try Self.claimLease(
                transaction, .rotation(rotationId), expectedOwner: rotation.leaseOwner, owner: owner, holder: holder,
                term: term),
                let claimed = try transaction.record(Rotation.self, id: rotationId)
            else {
                return .held(rotation.leaseHolder, rotation)
            }
            return .claimed(claimed)
        }
    }
}
