import Foundation
import Synchronization

/// One gate per peer in the process: every request to the peer passes it, so a `Retry-After` one request learns
/// pauses all of them, and the number in flight follows `ThrottleState`. Wall time, never `CLIENTELE_TEST_NOW`:
/// a pause is about the peer's real clock.
public actor ThrottleGate {
    private var state: ThrottleState
    private var queued: [CheckedContinuation<Void, Never>] = []
    private let now: @Sendable () -> Date
    /// Whether one request's `Retry-After` holds back the others. Off for a client's private gate (tests that
    /// shorten `sleep`): there a pause on the wall clock would outlast the test's own notion of time.
    private let sharesPauses: Bool

    /// Requests in flight at most per peer. Above the bulk default (8 rotations, each one request at a time) so
    /// that the gate only bites once a peer pushes back.
    public static let standardCeiling = 32

    init(ceiling: Int = ThrottleGate.standardCeiling, sharesPauses: Bool = true,
         now: @escaping @Sendable () -> Date = { Date() })
    {
        self.state = ThrottleState(ceiling: ceiling)
        self.sharesPauses = sharesPauses
        self.now = now
    }

    /// Waits until a request may go, and returns when it went (for `throttled`).
    func enter(served: Date? = nil, sleep: @Sendable (TimeInterval) async throws -> Void) async throws -> Date {
        var served = served
        while true {
            let instant = now()
            switch state.admit(now: instant, served: sharesPauses ? served : .distantFuture) {
            case .go: return instant
            case .pause(let until):
                try await sleep(until.timeIntervalSince(instant))
                served = until
            case .full:
                await withCheckedContinuation { queued.append($0) }
            }
        }
    }

    /// Requests queued for a slot (tests wait for one to arrive).
    var waiting: Int { queued.count }

    func succeeded() {
        state.succeeded()
        wake()
    }

    func abandoned() {
        state.abandoned()
        wake()
    }

    /// Records a throttled answer; returns the instant the pause ends and how long that is from now.
    func throttled(sentAt: Date, retryAfter: TimeInterval) -> (until: Date, wait: TimeInterval) {
        let instant = now()
        let until = state.throttled(sentAt: sentAt, now: instant, retryAfter: retryAfter)
        wake()
        guard sharesPauses else { return (instant.addingTimeInterval(retryAfter), retryAfter) }
        let wait = until.timeIntervalSince(instant)
        // The request's own Retry-After, exactly, unless another request's pause runs longer.
        return (until, wait > retryAfter + 0.001 ? wait : retryAfter)
    }

    private func wake() {
        // Woken requests check again; a pause sends them to sleep rather than back to the queue.
        let count = min(queued.count, max(state.openSlots, sharesPauses && state.pausedUntil > now() ? queued.count : 0))
        for continuation in queued.prefix(count) { continuation.resume() }
        queued.removeFirst(count)
    }

    /// The gate of `peer` in this process.
    public static func shared(for peer: HTTPPeer) -> ThrottleGate { gates.gate(for: peer) }

    private static let gates = GateTable()
}

/// The process's gates by peer, made on first use.
private final class GateTable: Sendable {
    private let gates = Mutex<[HTTPPeer: ThrottleGate]>([:])

    func gate(for peer: HTTPPeer) -> ThrottleGate {
        gates.withLock { gates in
            if let gate = gates[peer] { return gate }
            let gate = ThrottleGate()
            gates[peer] = gate
            return gate
        }
    }
}
