import Synchronization

/// Where effects post their results for the UI thread to pick up. A mutex-guarded array: effects run on many
/// threads, the UI thread drains it between keys, and each post wakes the UI thread if it is waiting for one.
public final class ActionInbox: Sendable {
    private let queue = Mutex<[Action]>([])
    public let wakeup = InboxWakeup()

    public init() {}

    public func post(_ action: Action) {
        queue.withLock { $0.append(action) }
        wakeup.signal()
    }

    /// Takes every action posted so far. The wake-up bytes go first: a post racing this leaves its byte behind,
    /// which at worst wakes the next wait early, never lets it sleep on an action.
    public func drain() -> [Action] {
        wakeup.drain()
        return queue.withLock { actions in defer { actions = [] }; return actions }
    }

    public var isEmpty: Bool { queue.withLock { $0.isEmpty } }
}

/// Holds a rotation at its show-once step until the operator closes the dialog, so "delivered" is recorded only
/// after the secret was actually on screen.
final class SecretGate: Sendable {
    private struct Waiting {
        var continuation: CheckedContinuation<Void, Never>?
        /// Acknowledgements that arrived before the rotation started waiting (a very fast operator, or a test).
        var early = 0
        var closed = false
    }

    private let state = Mutex(Waiting())

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { waiting -> Bool in
                if waiting.early > 0 || waiting.closed {
                    waiting.early = max(0, waiting.early - 1)
                    return true
                }
                waiting.continuation = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func acknowledge() {
        let continuation = state.withLock { waiting -> CheckedContinuation<Void, Never>? in
            if let continuation = waiting.continuation {
                waiting.continuation = nil
                return continuation
            }
            waiting.early += 1
            return nil
        }
        continuation?.resume()
    }

    /// The console is closing: let any waiting rotation go on (the operator saw the secret or chose to quit).
    func close() {
        let continuation = state.withLock { waiting -> CheckedContinuation<Void, Never>? in
            waiting.closed = true
            defer { waiting.continuation = nil }
            return waiting.continuation
        }
        continuation?.resume()
    }
}
