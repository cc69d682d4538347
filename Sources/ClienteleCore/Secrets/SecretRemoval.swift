import Foundation

/// Removes one secret of a client: at the IdP first (the only place a secret counts), then marked removed in the
/// registry in the same transaction as its audit event. A run killed between the two leaves the registry saying
/// "active" for a key the IdP no longer has; running the removal again finishes it (the adapters treat a key
/// already gone as removed), and `sync` reports it meanwhile.
public struct SecretRemoval: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    /// What removing a secret would do, for a confirmation: the secret, its client and IdP, and what callers lose.
    public struct Preview: Sendable {
        public var client: Client
        public var identityProvider: IdentityProvider
        public var secret: SecretMetadata
        /// Secrets that still work after this one is gone.
        public var remainingLive: Int
        /// Lines for the operator, most important first.
        public var consequences: [String]
    }

    /// Finds the secret (`keyId` is a whole key id or a prefix of at least 4 characters that names one secret) and
    /// says what removing it means. Throws for a removed secret, an ambiguous prefix, or one a rotation is using.
    public func preview(client reference: String, keyId: String) throws -> Preview {
        let client = try registry.resolveClient(reference)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let now = registry.clock.now
        let (secrets, open) = try registry.secretsNotRemoved(ofClient: client.id!)
        let secret = try Self.find(keyId, in: secrets, client: client)
        if let open, open.newKeyId == secret.keyId || open.retiringKeyIds.contains(secret.keyId) {
            throw ClienteleError.conflict(
                "secret \(secret.keyId) of \(client.displayName) is part of rotation #\(open.id!) (at '\(open.step.label)'); let it finish or advance it (`clientele rotations advance`) instead")
        }
        let remaining = secrets.filter { $0.keyId != secret.keyId && $0.isLive(at: now) }.count
        var consequences: [String]
        if secret.isLive(at: now) {
            consequences = ["Callers using secret \(secret.hint)… (\(secret.keyId)) are refused by \(idp.name) at once."]
            if remaining == 0 {
                consequences.append("It is the last working secret of \(client.displayName): every caller fails until a rotation issues a new one.")
            } else {
                consequences.append("\(remaining) other working secret\(remaining == 1 ? "" : "s") of \(client.displayName) stay.")
            }
        } else {
            // Expired (or past its grace period): nobody can be using it, so removing it only tidies up.
            consequences = ["Secret \(secret.hint)… (\(secret.keyId)) no longer works at \(idp.name): removing it only tidies up."]
            consequences.append(remaining == 0
                ? "\(client.displayName) has no working secret either way: rotate it to issue one."
                : "\(remaining) working secret\(remaining == 1 ? "" : "s") of \(client.displayName) stay.")
        }
        // Second, after what callers lose: whether any caller still sends it is what decides a removal.
        let lastUse = secret.lastUse(unavailable: idp.usageUnavailable)
        consequences.insert("Secret \(secret.hint)…: \(lastUse.text(now: now))"
            + (lastUse.unknownReason.map { " (\($0))" } ?? (lastUse.lastUsedAt == nil ? "" : " (at least this recently)")) + ".",
            at: 1)
        return Preview(client: client, identityProvider: idp, secret: secret, remainingLive: remaining,
                       consequences: consequences)
    }

    /// Removes the secret at the IdP, then records it. The caller has already asked for confirmation.
    @discardableResult
    public func remove(client reference: String, keyId: String, actor: String) async throws -> Preview {
        let preview = try preview(client: reference, keyId: keyId)
        let adapter = try adapters.adapter(for: preview.identityProvider)
        try await adapter.removeSecret(preview.secret.keyId, from: RemoteClientReference(preview.client))
        try registry.recordSecretRemoved(preview, actor: actor)
        return preview
    }

    static func find(_ keyId: String, in secrets: [SecretMetadata], client: Client) throws -> SecretMetadata {
        let wanted = keyId.trimmingCharacters(in: .whitespaces).lowercased()
        if let exact = secrets.first(where: { $0.keyId.lowercased() == wanted }) { return exact }
        guard wanted.count >= 4 else {
            throw ClienteleError.invalidInput("key id '\(keyId)' is too short: give at least 4 characters of it")
        }
        let matches = secrets.filter { $0.keyId.lowercased().hasPrefix(wanted) }
        switch matches.count {
        case 1: return matches[0]
        case 0:
            throw ClienteleError.notFound(
                "client \(client.displayName) has no secret in service with key id '\(keyId)' (`clientele client show \(client.displayName)` lists them)")
        default:
            throw ClienteleError.ambiguous(
                "key id '\(keyId)' matches \(matches.count) secrets of \(client.displayName); give more of it")
        }
    }
}
