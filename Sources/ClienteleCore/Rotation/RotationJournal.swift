import Foundation

/// Writes a rotation's progress: each change in one transaction with its audit event and the secret metadata it
/// implies, and each one fenced by the lease, so a process that lost its lease writes nothing.
struct RotationJournal: Sendable {
    let registry: Registry
    let lease: FencedLease

    var rotationId: Int64 { lease.rotationId }

    /// Changes the rotation; with `action`, also appends an audit event whose details `change` returns, and
    /// writes what `secrets` answers for the moment of the write (secret metadata) in the same transaction.
    /// Throws `LeaseLost`, having written nothing, when another process holds the lease.
    @discardableResult
    func record(
        action: String? = nil, actor: String = "",
        _ change: (inout Rotation, Date) throws -> [String: String]?,
        secrets: (Date) -> [RotationSecretChange] = { _ in [] }
    ) throws -> Rotation {
        let now = registry.clock.now
        let written = try registry.recordRotationStep(
            rotationId, leaseOwner: lease.owner, leaseTerm: lease.term, at: now, action: action, actor: actor,
            secrets: secrets(now), change)
        guard let written else { throw lease.markLost() }
        return written
    }

    /// Changes the rotation without an audit event (the step under way, the last error).
    func note(_ change: (inout Rotation, Date) throws -> Void) throws {
        try record(action: nil) { rotation, now in
            try change(&rotation, now)
            return nil
        }
    }
}
