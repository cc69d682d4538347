import Dispatch
import Foundation
import Synchronization

/// One process's claim on one rotation, fenced: every write of the rotation's state goes through the lease
/// (`RotationJournal`), and a write by a holder that lost its lease is refused rather than overwriting the state of
/// the process that took over. While the holder works (a person reading a secret, a command, the IdP replicating),
/// a heartbeat renews it, so a live holder is never taken over.
///
/// Shaped after HashiCorp Vault's PostgreSQL HA lock: a random owner per holder, a lease renewed on a timer well
/// inside its term, and a holder that fails to renew steps down before doing more work.
final class RotationLease: Sendable {
    let rotationId: Int64
    /// Random per claim; the holder's host and pid are recorded beside it for people.
    let owner: String
    private let registry: Registry
    private let term: LeaseTerm
    private let lostTo = Mutex<String?>(nil)
    private let heartbeat = Mutex<DispatchSourceTimer?>(nil)

    private init(rotationId: Int64, owner: String, registry: Registry, term: LeaseTerm) {
        self.rotationId = rotationId
        self.owner = owner
        self.registry = registry
        self.term = term
    }

    /// What a claim found: the lease, or the live holder that keeps it.
    enum Claim {
        case claimed(RotationLease, Rotation)
        case heldBy(LeaseHolder?, Rotation)
        case finished(Rotation)
    }

    /// Claims `rotationId` for `owner`: free, expired, already ours, or left by a process that is provably gone.
    static func claim(_ rotationId: Int64, owner: String, registry: Registry, term: LeaseTerm) throws -> Claim {
        let result = try registry.claimRotationLease(
            rotationId, owner: owner, holder: .current, now: term.clock.now, until: term.clock.now + term.duration,
            mayTakeOver: { holder in holder?.isProvablyGone() ?? false })
        switch result {
        case .claimed(let rotation):
            return .claimed(RotationLease(rotationId: rotationId, owner: owner, registry: registry, term: term), rotation)
        case .held(let holder, let rotation): return .heldBy(holder, rotation)
        case .finished(let rotation): return .finished(rotation)
        }
    }

    /// A lease for a rotation this process has just created with `owner` in it.
    static func adopt(_ rotationId: Int64, owner: String, registry: Registry, term: LeaseTerm) -> RotationLease {
        RotationLease(rotationId: rotationId, owner: owner, registry: registry, term: term)
    }

    /// The end of a lease renewed now.
    var renewedUntil: Date { term.clock.now + term.duration }

    /// Renews the lease now, or throws `RotationLeaseLost`: called before each call to the IdP and each delivery,
    /// so a holder that lost its lease does nothing more.
    func confirm() throws {
        if let holder = lostTo.withLock({ $0 }) { throw RotationLeaseLost(rotationId: rotationId, holder: holder) }
        guard try registry.renewRotationLease(rotationId, owner: owner, until: renewedUntil) else {
            throw markLost()
        }
    }

    /// Records that another process has the lease, and says who.
    func markLost() -> RotationLeaseLost {
        let holder = (try? registry.rotationLeaseHolder(rotationId))?.description ?? "another process"
        lostTo.withLock { $0 = holder }
        return RotationLeaseLost(rotationId: rotationId, holder: holder)
    }

    /// Renews the lease every third of its term until `release`. The beat runs on a Dispatch timer of its own,
    /// not on Swift's cooperative pool: work that blocks the pool's few threads (a synchronous registry write, a
    /// busy machine) must not starve the renewal and let another process take over a live holder.
    func keepRenewed() {
        let interval = term.renewalInterval
        heartbeat.withLock { slot in
            let timer = DispatchSource.makeTimerSource(queue: Self.heartbeatQueue)
            timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(Int(interval * 100)))
            timer.setEventHandler { [weak self] in self?.beat() }
            timer.resume()
            slot = timer
        }
    }

    private func beat() {
        do {
            if try !registry.renewRotationLease(rotationId, owner: owner, until: renewedUntil) {
                _ = markLost()
                stopHeartbeat()
            }
        } catch {
            // A busy or unreadable registry: try again next beat; two misses still leave a third of the term.
        }
    }

    private static let heartbeatQueue = DispatchQueue(label: "clientele.rotation-lease-heartbeat")

    private func stopHeartbeat() {
        heartbeat.withLock { timer in
            timer?.cancel()
            timer = nil
        }
    }

    /// Stops renewing and frees the rotation for the next process (if this one still holds it).
    func release() {
        stopHeartbeat()
        try? registry.releaseRotationLease(rotationId, owner: owner)
    }
}

/// A holder found another process holding its rotation's lease: it stops before its next IdP call.
struct RotationLeaseLost: Error, Sendable {
    let rotationId: Int64
    let holder: String
}
