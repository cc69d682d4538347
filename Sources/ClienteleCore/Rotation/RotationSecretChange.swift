import Foundation

/// What one recorded step of a rotation implies for the client's secret metadata, written in the step's own
/// transaction (`Registry.recordRotationStep`), so the registry never shows a step without its secrets' states.
enum RotationSecretChange: Sendable {
    /// The new secret, pending until verified; replacing any record of the same key (a sync may have found it at
    /// the IdP first).
    case recordNew(SecretMetadata)
    /// The new secret, verified.
    case activate(keyId: String?)
    /// The old secrets, still valid until `until` while callers switch.
    case startGrace(keyIds: [String], until: Date)
    /// The old secrets' grace pushed out to `until`, or held for an operator (nil).
    case holdGrace(keyIds: [String], until: Date?)
    case markRemoved(keyIds: [String], at: Date)
}
