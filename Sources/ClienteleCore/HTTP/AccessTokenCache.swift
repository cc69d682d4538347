import Foundation

/// Clientele's own bearer token at a peer (Entra's Graph, Anypoint's platform): kept until shortly before it
/// expires, and fetched once however many calls want it at the same moment. An actor, so the cache and the
/// in-flight fetch need no lock. Expiry is judged by the wall clock, not Clientele's clock: a token's lifetime runs
/// at the peer, in real time.
actor AccessTokenCache {
    struct Token: Sendable {
        let value: String
        let refreshAt: Date

        /// A token issued at `issuedAt` for `expiresIn` seconds (five minutes when the peer does not say): renewed
        /// five minutes early, or halfway for a token that short-lived, so a long listing never starts with a
        /// token about to lapse.
        init(value: String, issuedAt: Date, expiresIn: Double?) {
            let lifetime = max(0, expiresIn ?? 300)
            self.value = value
            self.refreshAt = issuedAt + lifetime - min(300, lifetime / 2)
        }
    }

    private let fetch: @Sendable () async throws -> Token
    private var cached: Token?
    private var pending: Task<Token, any Error>?

    init(fetch: @escaping @Sendable () async throws -> Token) {
        self.fetch = fetch
    }

    /// A token good for at least a few more minutes.
    func current() async throws -> String {
        if let cached, Date() < cached.refreshAt { return cached.value }
        if let pending { return try await pending.value.value }
        let fetch = self.fetch
        let task = Task { try await fetch() }
        pending = task
        defer { pending = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.value
    }

    /// Forgets `token` after the peer refused it (revoked, or its clock and ours disagree), unless a newer one has
    /// already replaced it.
    func discard(_ token: String) {
        if cached?.value == token { cached = nil }
    }
}
