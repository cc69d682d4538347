import Foundation

/// What claiming a rotation's lease found: the lease, or the live holder that keeps it.
enum RotationLeaseClaim {
    case claimed(FencedLease, Rotation)
    case heldBy(LeaseHolder?, Rotation)
    case finished(Rotation)

    /// Claims `rotationId` for `owner`: free, expired, already ours, or left by a process that is provably gone.
    static func claim(_ rotationId: Int64, owner: String, registry: Registry, term: LeaseTerm) throws
        -> RotationLeaseClaim
    {
        let result = try registry.claimRotationLease(
            rotationId, owner: owner, holder: .current, term: term,
            mayTakeOver: { holder in holder?.isProvablyGone() ?? false })
        switch result {
        case .claimed(let rotation):
            return .claimed(FencedLease(.rotation(rotationId), owner: owner, registry: registry, term: term), rotation)
        case .held(let holder, let rotation): return .heldBy(holder, rotation)
        case .finished(let rotation): return .finished(rotation)
        }
    }
}
