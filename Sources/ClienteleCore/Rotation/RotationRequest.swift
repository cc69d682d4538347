import Foundation

/// What an operator asks for when rotating one client's secret.
public struct RotationRequest: Sendable {
    public var client: String
    /// How long the old secret stays valid after the new one is verified.
    public var grace: DurationText
    /// The new secret's lifetime; nil takes the default (12 months, or the IdP's cap if lower).
    public var lifetime: DurationText?
    public var delivery: SecretDelivery
    /// The operator's explicit yes for rotations that leave no overlap (an IdP that cannot keep two secrets, or a
    /// zero grace period).
    public var confirmed: Bool

    public init(client: String, grace: DurationText, lifetime: DurationText? = nil, delivery: SecretDelivery,
                confirmed: Bool = false)
    {
        self.client = client
        self.grace = grace
        self.lifetime = lifetime
        self.delivery = delivery
        self.confirmed = confirmed
    }
}

/// What a rotation will do, shown before it starts (and by the console's dialog).
public struct RotationPreview: Sendable {
    public var client: Client
    public var identityProvider: IdentityProvider
    public var capabilities: IdentityProviderCapabilities
    public var retiring: [SecretMetadata]
    public var newSecretExpiresAt: Date
    public var overlap: Bool
    public var grace: DurationText
    /// Set when the rotation leaves callers no overlap, with the words that explain why; needs confirmation.
    public var confirmationReason: String?
    /// An open rotation this request would resume instead of starting a new one.
    public var resuming: Rotation?
}

/// Where a rotation stands after a run: what an operator (or cron's log) needs to know next.
public struct RotationOutcome: Sendable {
    public enum Status: Sendable, Equatable {
        case completed
        case inGrace(until: Date)
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
        case .waiting(let reason): return "\(label): waiting at step '\(rotation.step.label)': \(reason)"
        case .failed(let reason): return "\(label): failed: \(reason)"
        }
    }
}
