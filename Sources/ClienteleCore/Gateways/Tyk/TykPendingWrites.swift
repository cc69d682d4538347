import Foundation
import Synchronization

/// What this process wrote to a Tyk gateway since its last reload. Tyk answers a write "ok" when the file is on
/// disk but serves every read from memory until `/tyk/reload`, so the API cannot say what is written and not yet
/// loaded; the adapter remembers it. Two uses: an element written and not loaded reads as `loaded == false`
/// (its written fields), and a second write to the same API definition starts from the first one's text instead
/// of the stale loaded one, which would undo it. Another process (an apply resumed after a kill) sees only the
/// loaded state; the apply's recorded, not yet done reload step is what carries the pending state across.
final class TykPendingWrites: Sendable {
    struct Snapshot {
        var definitions: [String: GatewayValue] = [:]
        /// `.null`: deleted.
        var policies: [String: GatewayValue] = [:]
        var isEmpty: Bool { definitions.isEmpty && policies.isEmpty }
    }

    private let state = Mutex(Snapshot())

    func wroteDefinition(_ definition: GatewayValue, id: String) { state.withLock { $0.definitions[id] = definition } }
    func wrotePolicy(_ policy: GatewayValue, id: String) { state.withLock { $0.policies[id] = policy } }
    func snapshot() -> Snapshot { state.withLock { $0 } }
    func definition(id: String) -> GatewayValue? { state.withLock { $0.definitions[id] } }

    /// Forgets what a reload loaded: only the entries of `loaded`, so a write made during the reload stays pending.
    func loaded(_ loaded: Snapshot) {
        state.withLock { pending in
            for (id, written) in loaded.definitions where pending.definitions[id] == written { pending.definitions[id] = nil }
            for (id, written) in loaded.policies where pending.policies[id] == written { pending.policies[id] = nil }
        }
    }
}
