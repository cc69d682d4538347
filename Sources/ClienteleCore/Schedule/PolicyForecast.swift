import Foundation

/// Which rotation policy governs one client, and when it makes the client due.
public struct PolicyForecast: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// A secret in service expires within the policy's rotate-before.
        case expires(keyId: String, at: Date)
        /// A secret in service is older than the policy's max age.
        case olderThan(keyId: String, maxAgeSeconds: Int64)

        public var text: String {
            switch self {
            case .expires(let keyId, let at): return "secret \(keyId.prefix(8)) expires \(Timestamp.iso8601(at))"
            case .olderThan(let keyId, let seconds):
                return "secret \(keyId.prefix(8)) is older than \(DurationText(seconds: seconds))"
            }
        }
    }

    public var policy: RotationPolicyListing
    /// When the next `rotations advance` after this moment starts the rotation.
    public var dueAt: Date
    public var reason: Reason
    /// An open rotation of the client: a policy starts none while one is open.
    public var openRotationId: Int64?
    /// The client's IdP keeps one secret per client: a rotation would cut its callers off, so the policy leaves
    /// it to an operator.
    public var leftToOperator: Bool

    public init(policy: RotationPolicyListing, dueAt: Date, reason: Reason, openRotationId: Int64? = nil,
                leftToOperator: Bool = false)
    {
        self.policy = policy
        self.dueAt = dueAt
        self.reason = reason
        self.openRotationId = openRotationId
        self.leftToOperator = leftToOperator
    }

    /// Whether `rotations advance` at `now` starts a rotation for this client.
    public func isDue(at now: Date) -> Bool { openRotationId == nil && !leftToOperator && dueAt <= now }
}

/// A policy that may cover a client, with what precedence needs to know about its scope.
public struct PolicyCandidate: Sendable, Hashable {
    public var listing: RotationPolicyListing
    /// The environment's display position (Sandbox before Prod); nil for an IdP policy.
    public var environmentPosition: Int?

    public init(listing: RotationPolicyListing, environmentPosition: Int?) {
        self.listing = listing
        self.environmentPosition = environmentPosition
    }
}

/// The precedence between policies covering one client:
///
/// 1. An environment policy beats the IdP policy: an operator who scoped a schedule to an environment meant that
///    environment's clients, while an IdP policy is the catch-all for the rest.
/// 2. Among several environments' policies, the one that makes the client due first governs (the strictest
///    schedule wins, so a client in Dev and Prod keeps Prod's promise); a tie goes to the environment listed later
///    (Prod after Sandbox), then to the name.
public enum PolicyPrecedence {
    /// The governing policy's forecast for a client with `secrets` in service, or nil when no policy covers it
    /// or it has no secret in service to rotate.
    public static func forecast(
        secrets: [SecretMetadata], environmentPolicies: [PolicyCandidate], identityProviderPolicy: PolicyCandidate?,
        openRotationId: Int64? = nil
    ) -> PolicyForecast? {
        let candidates = environmentPolicies.isEmpty ? identityProviderPolicy.map { [$0] } ?? [] : environmentPolicies
        let forecasts = candidates.compactMap { candidate in
            due(secrets, under: candidate.listing.policy).map { (candidate, $0) }
        }
        let best = forecasts.min { a, b in
            if a.1.at != b.1.at { return a.1.at < b.1.at }
            let (positionA, positionB) = (a.0.environmentPosition ?? 0, b.0.environmentPosition ?? 0)
            if positionA != positionB { return positionA > positionB }
            return a.0.listing.scope.description < b.0.listing.scope.description
        }
        return best.map {
            PolicyForecast(policy: $0.0.listing, dueAt: $0.1.at, reason: $0.1.reason, openRotationId: openRotationId)
        }
    }

    /// When `policy` makes a client with `secrets` due: the earliest of each secret's expiry less rotate-before
    /// and its creation plus max age.
    static func due(_ secrets: [SecretMetadata], under policy: RotationPolicy) -> (at: Date, reason: PolicyForecast.Reason)? {
        var earliest: (at: Date, reason: PolicyForecast.Reason)?
        func consider(_ at: Date, _ reason: PolicyForecast.Reason) {
            if earliest == nil || at < earliest!.at { earliest = (at, reason) }
        }
        for secret in secrets {
            if let expiresAt = secret.expiresAt {
                consider(expiresAt - TimeInterval(policy.rotateBeforeSeconds), .expires(keyId: secret.keyId, at: expiresAt))
            }
            if let maxAge = policy.maxAgeSeconds {
                consider(secret.createdAt + TimeInterval(maxAge), .olderThan(keyId: secret.keyId, maxAgeSeconds: maxAge))
            }
        }
        return earliest
    }
}
