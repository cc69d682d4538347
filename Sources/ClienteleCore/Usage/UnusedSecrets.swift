import Foundation

/// `secrets unused`: secrets in service with no recorded use in a window, the candidates for removal, and the
/// IdPs that cannot say (whose secrets are not called unused for want of a record).
public struct UnusedSecrets: Sendable, Codable {
    public struct Candidate: Sendable, Codable, Hashable {
        public var client: String
        public var clientId: String
        public var idp: String
        public var keyId: String
        public var hint: String
        public var createdAt: Date
        public var expiresAt: Date?
        /// The last use recorded, older than the window; nil for "no sign-in recorded".
        public var lastUsedAt: Date?
        public var lastUse: String
    }

    public struct CannotSay: Sendable, Codable, Hashable {
        public var idp: String
        public var reason: String
        /// Secrets in service there, old enough to be candidates, about which nothing can be said.
        public var secrets: Int
    }

    public var window: String
    public var unused: [Candidate]
    public var cannotSay: [CannotSay]
}
