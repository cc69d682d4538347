import Foundation

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
    /// What else the operator should know, one line each: gateway apps showing a copy of this IdP secret, which
    /// the rotation leaves behind (and `gateway drift` will report).
    public var notes: [String] = []
}

extension RotationService {
    /// What rotating `request.client` would do. Throws, changing nothing, for bad input (a lifetime or grace the
    /// IdP cannot honour, an unknown client) and for a request that asks an open rotation for something else.
    public func preview(_ request: RotationRequest) async throws -> RotationPreview {
        let client = try registry.resolveClient(request.client)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let adapter = try adapters.adapter(for: idp)
        let capabilities = adapter.capabilities
        let now = registry.clock.now
        let (retiring, open) = try registry.rotationStart(ofClient: client.id!)
        // A rotation still at `planned` has nothing at the IdP yet (an undelivered secret was withdrawn), so it may
        // take a new delivery, grace or lifetime: "fix the delivery and resume" is what its failure said to do.
        if let open, open.step != .planned {
            try Self.refuseConflicts(request, with: open, client: client)
            return RotationPreview(
                client: client, identityProvider: idp, capabilities: capabilities, retiring: retiring,
                newSecretExpiresAt: open.createdAt + TimeInterval(open.lifetimeSeconds ?? 0), overlap: open.overlap,
                grace: DurationText(seconds: open.graceSeconds), confirmationReason: nil, resuming: open)
        }
        // A provider that cannot issue a secret for this client (an OIDC provider without RFC 7592 updates) is
        // refused here, before anything is planned, reserved or sent.
        try await adapter.ensureCanIssueSecrets(for: RemoteClientReference(client))
        let lifetime = try Self.lifetime(request.lifetime, defaults: defaults, idp: idp, capabilities: capabilities)
        let grace = try Self.grace(request.grace, defaults: defaults, idp: idp, capabilities: capabilities)
        var reason: String?
        if !capabilities.allowsOverlap {
            reason = "\(idp.holderLabel) cannot keep two secrets: the old secret of \(client.displayName) stops working the moment the new one is issued"
        } else if grace.seconds == 0 && !retiring.isEmpty {
            reason = "a grace period of 0 removes the old secret of \(client.displayName) as soon as the new one is verified"
        }
        let notes = try registry.appsShowingSecretCopy(ofClient: client.id!).map { app in
            "gateway \(app.gateway)'s \(app.app) shows a copy of this secret: it will differ once the new one is issued (`clientele gateway drift` reports it); give the app the new secret there, never reset it at the gateway"
        }
        return RotationPreview(
            client: client, identityProvider: idp, capabilities: capabilities, retiring: retiring,
            newSecretExpiresAt: now + lifetime, overlap: capabilities.allowsOverlap, grace: grace,
            confirmationReason: open == nil ? reason : nil, resuming: open, notes: notes)
    }

    /// The new secret's lifetime: as asked (refused over the IdP's cap), else the default capped by the IdP.
    static func lifetime(
        _ asked: DurationText?, defaults: RotationDefaults, idp: IdentityProvider,
        capabilities: IdentityProviderCapabilities
    ) throws -> TimeInterval {
        let lifetime = (asked ?? defaults.lifetime).timeInterval
        guard let cap = capabilities.maxSecretLifetime else { return lifetime }
        if let asked, lifetime > cap {
            throw ClienteleError.invalidInput(
                "--lifetime \(asked) exceeds what IdP '\(idp.name)' allows (\(DurationText(seconds: Int64(cap))))")
        }
        return min(lifetime, cap)
    }

    /// The grace period: none where the IdP keeps one secret (asking for one there is an error), and never longer
    /// than the IdP lets a secret live: the old secret would expire before such a grace ended.
    static func grace(
        _ asked: DurationText?, defaults: RotationDefaults, idp: IdentityProvider,
        capabilities: IdentityProviderCapabilities
    ) throws -> DurationText {
        guard capabilities.allowsOverlap else {
            if let asked, asked.seconds > 0 {
                throw ClienteleError.invalidInput(
                    "--grace \(asked): \(idp.holderLabel) keeps one secret per client, so its rotations have no grace period (the old secret stops working when the new one is issued); leave --grace out")
            }
            return DurationText(seconds: 0)
        }
        let grace = asked ?? defaults.grace
        if let cap = capabilities.maxSecretLifetime, grace.timeInterval > cap {
            let source = asked == nil ? "the configuration's rotation.grace (\(grace))" : "--grace \(grace)"
            throw ClienteleError.invalidInput(
                "\(source) is longer than IdP '\(idp.name)' lets a secret live (\(DurationText(seconds: Int64(cap)))): the old secret would expire before the grace period ended")
        }
        return grace
    }

    /// Refuses a request whose delivery, grace or lifetime differs from the open rotation it would resume: those
    /// were fixed when that rotation started, and ignoring them silently (a `--secret-file` never written) is worse
    /// than saying so.
    static func refuseConflicts(_ request: RotationRequest, with open: Rotation, client: Client) throws {
        var asked: [String] = []
        if let delivery = request.delivery, delivery != open.delivery {
            // Two commands show only their programs' names, which may be the same one.
            asked.append(delivery.description == open.delivery.description
                ? "a different \(delivery) (it delivers by another command line)"
                : "delivery '\(delivery)' (it delivers by \(open.delivery))")
        }
        if let grace = request.grace, grace.seconds != open.graceSeconds {
            asked.append("grace \(grace) (it has \(DurationText(seconds: open.graceSeconds)))")
        }
        if let lifetime = request.lifetime, let recorded = open.lifetimeSeconds, lifetime.seconds != recorded {
            asked.append("lifetime \(lifetime) (it has \(DurationText(seconds: recorded)))")
        }
        guard !asked.isEmpty else { return }
        let finish = open.step == .grace
            ? "finish it with `clientele rotations advance \(open.id!) --end-grace`"
            : "finish it with `clientele rotations advance \(open.id!)`"
        throw ClienteleError.conflict(
            "\(client.displayName) has rotation #\(open.id!) open at '\(open.step.label)', which cannot take \(asked.joined(separator: ", ")); \(finish), or run `clientele rotate \(client.displayName)` with no delivery, grace or lifetime flags to resume it")
    }
}
