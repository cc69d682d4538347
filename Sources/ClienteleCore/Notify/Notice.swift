import Foundation

/// One thing an owner team is told: a secret crossing an expiry threshold, a rotation held because a caller still
/// uses the old secret, a failed rotation. Carries names, key ids and times; never secret text, nor a secret's
/// hint (its first characters).
public struct Notice: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case secretExpiry = "secret-expiry"
        case rotationHeld = "rotation-held"
        case rotationFailed = "rotation-failed"
    }

    public var kind: Kind
    /// What it is about, unique per thing told: each webhook gets each subject once (`noticeSent`).
    /// "secret 12 warning", "rotation 4 held 0ccd1b1b-…", "rotation 4 failed".
    public var subject: String
    public var team: String
    public var clientRowId: Int64
    public var client: String
    public var clientId: String
    public var identityProvider: String
    public var keyId: String?
    /// The threshold crossed: notice, warning, critical or expired.
    public var threshold: ExpiryClass?
    public var expiresAt: Date?
    public var daysLeft: Int?
    public var rotationId: Int64?
    public var lastUsedAt: Date?
    /// Until when a held rotation waits before asking the IdP again.
    public var holdingUntil: Date?
    public var failureReason: String?
    public var failedAt: Date?
    /// One sentence for people.
    public var text: String
}
