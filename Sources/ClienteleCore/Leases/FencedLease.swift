import Dispatch
import Foundation
import Synchronization

/// A long operation's record that a lease fences: a rotation, or a policy apply at a gateway.
enum LeasedRecord: Sendable, Hashable, CustomStringConvertible {
    case rotation(Int64)
    case policyApply(Int64)

    /// The table whose `leaseOwner`, `leaseUntil` and `leaseHolder` columns hold the lease.
    var table: String {
        switch self {
        case .rotation: return "rotation"
        case .policyApply: return "policyApply"
        }
    }

    var id: Int64 {
        switch self {
        case .rotation(let id), .policyApply(let id): return id
        }
    }

    var description: String {
        switch self {
        case .rotation(let id): return "rotation #\(id)"
        case .policyApply(let id): return "policy apply #\(id)"
        }
    }
}

/// One process's claim on one long operation (a rotation, a policy apply), fenced: every write of the operation's
/// state goes through the lease (`RotationJournal`, `PolicyApplyJournal`), and a write by a holder that lost its
/// lease is refused rather than overwriting the state of the process that took over. While the holder works (a
/// person reading a secret, a command, the IdP replicating, a slow gateway), a heartbeat renews it, so a live holder
/// is never taken over.
///
/// Shaped after HashiCorp Vault's PostgreSQL HA lock: a random owner per holder, a lease renewed on a timer well
/// inside its term, and a holder that fails to renew steps down before doing more work.
final class FencedLease: Sendable {
    let record: LeasedRecord
    /// Random per claim; the holder's host and pid are recorded beside it for people.
    let owner: String
    private let registry: Registry
    let term: LeaseTerm
    private let lostTo = Mutex<String?>(nil)
    private let heartbeat = Mutex<DispatchSourceTimer?>(nil)

    init(_ record: LeasedRecord, owner: String, registry: Registry, term: LeaseTerm) {
        self.record = record
        self.owner = owner
        self.registry = registry
        self.term = term
    }

    /// The rotation it fences (rotation leases only).
    var rotationId: Int64 { record.id }

    /// Renews the lease now, or throws `LeaseLost`: called before each call to an IdP or a gateway and each
    /// delivery, so a holder that lost its lease does nothing more.
    func confirm() throws {
        if let holder = lostTo.withLock({ $0 }) { throw LeaseLost(record: record, holder: holder) }
        guard try registry.renewLease(record, owner: owner, term: term) else {
            throw markLost()
        }
    }

    /// Records that another process has the lease, and says who.
    func markLost() -> LeaseLost {
        let holder = (try? registry.leaseHolder(record))?.description ?? "another process"
        lostTo.withLock { $0 = holder }
        return LeaseLost(record: record, holder: holder)
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
            if try !registry.renewLease(record, owner: owner, term: term) {
                _ = markLost()
                stopHeartbeat()
            }
        } catch {
            // A busy or unreadable registry: try again next beat; two misses still leave a third of the term.
        }
    }

    private static let heartbeatQueue = DispatchQueue(label: "clientele.lease-heartbeat")

    private func stopHeartbeat() {
        heartbeat.withLock { timer in
            timer?.cancel()
            timer = nil
        }
    }

    /// Stops renewing and frees the operation for the next process (if this one still holds it).
    func release() {
        stopHeartbeat()
        try? registry.releaseLease(record, owner: owner)
    }
}

/// A holder found another process holding its operation's lease: it stops before its next remote call.
struct LeaseLost: Error, Sendable {
    let record: LeasedRecord
    let holder: String
}
