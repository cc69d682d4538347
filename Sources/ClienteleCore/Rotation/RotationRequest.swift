import Foundation

/// What an operator asks for when rotating one client's secret. A field left nil was not asked for: a new rotation
/// takes the default, and resuming an open rotation is allowed only when every field asked for matches it.
public struct RotationRequest: Sendable {
    public var client: String
    /// How long the old secret stays valid after the new one is verified.
    public var grace: DurationText?
    /// The new secret's lifetime; nil takes the default (12 months, or the IdP's cap if lower).
    public var lifetime: DurationText?
    /// Where the new secret goes; nil shows it once (and resumes an open rotation as it was started).
    public var delivery: SecretDelivery?
    /// The operator's explicit yes for rotations that leave no overlap (an IdP that cannot keep two secrets, or a
    /// zero grace period).
    public var confirmed: Bool

    public init(client: String, grace: DurationText? = nil, lifetime: DurationText? = nil,
                delivery: SecretDelivery? = nil, confirmed: Bool = false)
    {
        self.client = client
        self.grace = grace
        self.lifetime = lifetime
        self.delivery = delivery
        self.confirmed = confirmed
    }
}

/// What a rotation takes when the request leaves a field out: the configuration's `rotation.grace` and
/// `rotation.lifetime`, read once by each front end.
public struct RotationDefaults: Sendable, Equatable {
    public var grace: DurationText
    public var lifetime: DurationText
    /// When an old secret is still in use as the grace ends: how much longer to wait each time, and at most in all.
    public var holdStep: DurationText
    public var holdMax: DurationText

    public init(grace: DurationText, lifetime: DurationText, holdStep: DurationText = .days(1),
                holdMax: DurationText = .days(14))
    {
        self.grace = grace
        self.lifetime = lifetime
        self.holdStep = holdStep
        self.holdMax = holdMax
    }

    public static let standard = RotationDefaults(grace: .days(7), lifetime: .days(365))
}

extension ClienteleConfiguration {
    /// The rotation defaults this configuration sets.
    public var rotationDefaults: RotationDefaults {
        RotationDefaults(grace: defaultGrace, lifetime: defaultLifetime ?? RotationDefaults.standard.lifetime,
                         holdStep: holdStep, holdMax: holdMax)
    }
}
