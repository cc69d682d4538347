import Foundation

/// Where a rotation stands after a run: what an operator (or cron's log) needs to know next.
public struct RotationOutcome: Sendable {
    public enum Status: Sendable, Equatable {
        case completed
        case inGrace(until: Date)
        /// In grace still, because a caller used an old secret after the new one was delivered: the secret, its
        /// last use, until when the grace now runs (nil: the hold-max is spent and an operator must decide), and
        /// when that was found.
        case held(keyId: String, lastUsedAt: Date, until: Date?, checkedAt: Date)
        /// Stopped but resumable: the reason and what to run.
        case waiting(String)
        case failed(String)
    }

    public var rotation: Rotation
    public var client: Client
    public var status: Status

    public var summary: String {
        let label = "rotation #\(rotation.id ?? 0) of \(client.displayName)"
        switch status {
        case .completed: return "\(label): done; old secrets removed"
        case .inGrace(let until):
            return "\(label): new secret verified; old secret valid until \(Timestamp.local(until)) (grace), then `clientele rotations advance` removes it"
        case .held(let keyId, let lastUsedAt, let until, let checkedAt):
            return "\(label): " + RotationHold.text(keyId: keyId, lastUsedAt: lastUsedAt, until: until,
                                                   rotationId: rotation.id ?? 0, now: checkedAt)
        case .waiting(let reason): return "\(label): waiting at step '\(rotation.step.label)': \(reason)"
        case .failed(let reason): return "\(label): failed: \(reason)"
        }
    }

    /// The outcome a rotation's recorded step stands for, when no run changed it.
    static func recorded(_ rotation: Rotation, _ client: Client) -> RotationOutcome {
        switch rotation.step {
        case .done: return RotationOutcome(rotation: rotation, client: client, status: .completed)
        case .failed:
            return RotationOutcome(rotation: rotation, client: client, status: .failed(rotation.failureReason ?? "unknown"))
        case .grace:
            if let keyId = rotation.heldKeyId, let lastUsedAt = rotation.heldLastUsedAt {
                return RotationOutcome(rotation: rotation, client: client,
                                       status: .held(keyId: keyId, lastUsedAt: lastUsedAt, until: rotation.graceUntil,
                                                     checkedAt: rotation.updatedAt))
            }
            return RotationOutcome(rotation: rotation, client: client, status: .inGrace(until: rotation.graceUntil ?? .distantPast))
        default:
            return RotationOutcome(rotation: rotation, client: client, status: .waiting(rotation.lastError ?? "resumable"))
        }
    }
}
