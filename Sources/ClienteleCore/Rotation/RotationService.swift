import Foundation
import Logging

/// Rotates client secrets at the IdP through the persisted state machine of `Rotation`, and drives it step by
/// step. Each step is recorded before it starts (`runningStep`) and after it finishes (`step`), in the same
/// transaction as its audit event, so a run killed anywhere resumes from the record. The old secret is removed only
/// after the new one was delivered and verified, so an IdP that allows overlap never leaves the client without a
/// working secret. A run holds the rotation's lease throughout (`FencedLease`); a process that loses it stops.
///
/// The preview is in `RotationPreview.swift`, the steps in `RotationSteps.swift`, their records in
/// `RotationJournal.swift`.
public final class RotationService: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters
    let defaults: RotationDefaults
    let leaseTerm: LeaseTerm
    /// Random: the token that fences this service's writes. Two services in one process (the console advancing
    /// all while a rotation of its own runs) hold different ones.
    let leaseOwner: String
    let logger: Logger
    /// Told, in a sentence, when a rotation waits on the IdP (a new secret still replicating), so a person
    /// watching knows why nothing seems to happen.
    let onWait: (@Sendable (String) -> Void)?

    public init(registry: Registry, adapters: any IdentityProviderAdapters, defaults: RotationDefaults = .standard,
                leaseTerm: LeaseTerm = .process, logger: Logger = Logger(label: "clientele.rotation"),
                onWait: (@Sendable (String) -> Void)? = nil)
    {
        self.registry = registry
        self.adapters = adapters
        self.defaults = defaults
        self.leaseTerm = leaseTerm
        self.leaseOwner = UUID().uuidString
        self.logger = logger
        self.onWait = onWait
    }

    /// Starts a rotation (or resumes the client's open one) and runs it as far as it can go now.
    public func rotate(_ request: RotationRequest, actor: String, deliverer: SecretDeliverer) async throws
        -> RotationOutcome
    {
        let preview = try await preview(request)
        if let open = preview.resuming {
            if open.step == .planned, request.delivery != nil || request.grace != nil || request.lifetime != nil {
                return try await replan(open, as: preview, request: request, actor: actor, deliverer: deliverer)
            }
            return try await run(open.id!, actor: actor, deliverer: deliverer)
        }
        if let reason = preview.confirmationReason, !request.confirmed {
            throw ClienteleError.confirmationRequired("\(reason); confirm with --yes")
        }
        let delivery = request.delivery ?? .terminal
        try deliverer.requireCanDeliver(delivery)
        var reserved: String?
        if case .file(let path) = delivery, try reserve(path) { reserved = path }
        let rotation: Rotation
        do {
            rotation = try plan(preview, delivery: delivery, actor: actor)
        } catch let exists as OpenRotationExists {
            if let reserved, SecretFile.isEmpty(reserved) { unlink(reserved) }
            // Another process planned one since the preview: that one goes on, and this says who has it.
            return try await run(exists.rotation.id!, actor: actor, deliverer: deliverer)
        } catch {
            if let reserved, SecretFile.isEmpty(reserved) { unlink(reserved) }
            throw error
        }
        let lease = FencedLease(.rotation(rotation.id!), owner: leaseOwner, registry: registry, term: leaseTerm)
        return try await drive(rotation, lease: lease, actor: actor, deliverer: deliverer)
    }

    /// Claims the secret file a new rotation delivers to; true when this created it. A run killed between
    /// creating the file and recording its plan leaves it empty, owner-only and delivered to by no open rotation:
    /// no secret is in it to protect, and refusing it would stop the same command from finishing the rest (a
    /// wave's `--secret-dir`), so it is taken as it is (and left in place if this plan fails too).
    private func reserve(_ path: String) throws -> Bool {
        do {
            try SecretFile.reserve(path)
            return true
        } catch {
            guard SecretFile.isLeftoverReservation(path),
                try !registry.openRotations().contains(where: { $0.delivery == .file(path: path) })
            else { throw error }
            return false
        }
    }

    /// Resumes a rotation still at `planned` with the delivery, grace or lifetime now asked for; what is not
    /// asked stays as it was planned.
    private func replan(
        _ open: Rotation, as preview: RotationPreview, request: RotationRequest, actor: String,
        deliverer: SecretDeliverer
    ) async throws -> RotationOutcome {
        let delivery = request.delivery ?? open.delivery
        try deliverer.requireCanDeliver(delivery)
        let lease: FencedLease
        switch try RotationLeaseClaim.claim(open.id!, owner: leaseOwner, registry: registry, term: leaseTerm) {
        case .claimed(let claimed, _): lease = claimed
        case .heldBy, .finished: return try await run(open.id!, actor: actor, deliverer: deliverer)
        }
        let reserved: String?
        if case .file(let path) = delivery, delivery != open.delivery {
            do { try SecretFile.reserve(path) } catch { lease.release(); throw error }
            reserved = path
        } else {
            reserved = nil
        }
        let grace = request.grace == nil ? open.graceSeconds : preview.grace.seconds
        let lifetime = request.lifetime == nil
            ? open.lifetimeSeconds : Int64(preview.newSecretExpiresAt.timeIntervalSince(registry.clock.now))
        let rotation: Rotation
        do {
            rotation = try RotationJournal(registry: registry, lease: lease).record(action: "rotation.replanned", actor: actor) {
                rotation, _ in
                rotation.delivery = delivery
                rotation.graceSeconds = grace
                rotation.lifetimeSeconds = lifetime
                return ["delivery": delivery.description, "grace": DurationText(seconds: grace).description]
            }
        } catch {
            lease.release()
            if let reserved, SecretFile.isEmpty(reserved) { unlink(reserved) }
            throw error
        }
        return try await drive(rotation, lease: lease, actor: actor, deliverer: deliverer)
    }

    /// Records a new rotation at `planned`, leased to this service from the start. `policy`: the rotation policy
    /// that starts it, with what its audit event adds (`PolicyRotationStarts`).
    func plan(_ preview: RotationPreview, delivery: SecretDelivery, actor: String,
              policy: (id: Int64, details: [String: String])? = nil) throws -> Rotation
    {
        let now = registry.clock.now
        let client = preview.client
        var rotation = Rotation(
            clientRowId: client.id!, step: .planned, runningStep: nil,
            retiringKeyIds: preview.retiring.map(\.keyId), newKeyId: nil, newSecretDisplayName: "",
            overlap: preview.overlap, graceSeconds: preview.grace.seconds, graceUntil: nil,
            lifetimeSeconds: Int64(preview.newSecretExpiresAt.timeIntervalSince(now)),
            delivery: delivery, verification: nil, actor: actor, failureReason: nil, lastError: nil,
            leaseOwner: leaseOwner, leaseUntil: nil, leaseHolder: .current,
            createdAt: now, updatedAt: now)
        rotation.rotationPolicyId = policy?.id
        let details = [
            "idp": preview.identityProvider.name, "retiring": rotation.retiringKeyIds.joined(separator: ","),
            "overlap": String(rotation.overlap), "grace": preview.grace.description, "delivery": delivery.description,
        ].merging(policy?.details ?? [:]) { planned, _ in planned }
        return try registry.recordPlannedRotation(rotation, leaseTerm: leaseTerm, client: client, at: now, details: details)
    }

    /// Runs a rotation from its recorded step as far as it can go now: to `done`, to the grace period, or to a
    /// point where it must wait (for delivery, for the IdP, for another process that holds it).
    public func run(_ rotationId: Int64, actor: String, deliverer: SecretDeliverer) async throws -> RotationOutcome {
        switch try RotationLeaseClaim.claim(rotationId, owner: leaseOwner, registry: registry, term: leaseTerm) {
        case .claimed(let lease, let rotation):
            return try await drive(rotation, lease: lease, actor: actor, deliverer: deliverer)
        case .finished(let rotation):
            return .recorded(rotation, try registry.client(rowId: rotation.clientRowId))
        case .heldBy(let holder, let rotation):
            return RotationOutcome(
                rotation: rotation, client: try registry.client(rowId: rotation.clientRowId),
                status: .waiting("another Clientele process (\(holder?.description ?? "unknown")) is working on it"))
        }
    }

    /// The step driver: one step after another, from the recorded one, while this service holds the lease.
    private func drive(_ start: Rotation, lease: FencedLease, actor: String, deliverer: SecretDeliverer)
        async throws -> RotationOutcome
    {
        lease.keepRenewed()
        defer { lease.release() }
        var rotation = start
        let client = try registry.client(rowId: rotation.clientRowId)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let steps = RotationSteps(
            journal: RotationJournal(registry: registry, lease: lease), lease: lease, client: client,
            identityProviderName: idp.name, adapter: try adapters.adapter(for: idp), clock: registry.clock,
            hold: RotationHold(step: defaults.holdStep, max: defaults.holdMax), logger: logger, onWait: onWait)
        var held: SecretText?
        do {
            while true {
                switch rotation.step {
                case .planned:
                    guard deliverer.canDeliver(rotation.delivery) else {
                        return RotationOutcome(
                            rotation: rotation, client: client,
                            status: .waiting("the new secret is to be shown to an operator; run `clientele rotate \(client.displayName)` at a terminal"))
                    }
                    rotation = try await steps.createSecret(rotation, held: &held)
                case .created:
                    rotation = try await steps.deliverSecret(rotation, deliverer: deliverer, held: &held)
                case .delivered:
                    rotation = try await steps.verifySecret(rotation, held: held)
                case .verified:
                    rotation = try steps.startGrace(rotation)
                case .grace:
                    // No end: held for an operator, who ends it with `--end-grace`.
                    guard let until = rotation.graceUntil else { return .recorded(rotation, client) }
                    if until > registry.clock.now { return .recorded(rotation, client) }
                    rotation = try await steps.retireOldSecrets(rotation)
                    // Held: the grace was pushed out or handed to an operator; say so rather than loop.
                    if rotation.step == .grace { return .recorded(rotation, client) }
                case .done, .failed:
                    return .recorded(rotation, client)
                }
            }
        } catch let stop as RotationStop {
            return RotationOutcome(rotation: try registry.rotation(lease.rotationId), client: client, status: stop.status)
        } catch let lost as LeaseLost {
            // The process that took over owns the state now: say so, and write nothing.
            throw ClienteleError.conflict(
                "\(lost.record) of \(client.displayName): another Clientele process (\(lost.holder)) took it over; this one stopped before its next step and changed nothing more")
        } catch {
            let message = (error as? ClienteleError)?.description ?? String(describing: error)
            try? RotationJournal(registry: registry, lease: lease).note { rotation, _ in rotation.lastError = message }
            let current = (try? registry.rotation(lease.rotationId)) ?? rotation
            throw ClienteleError.identityProvider(
                "rotation #\(lease.rotationId) of \(client.displayName) stopped at '\(current.step.label)': \(message). "
                    + Self.standing(current) + " Run `clientele rotate \(client.displayName)` to resume.")
        }
    }

    /// What is true for callers while a rotation is stopped at its recorded step.
    static func standing(_ rotation: Rotation) -> String {
        switch rotation.step {
        case .planned, .created, .delivered:
            return rotation.overlap ? "The old secret is still active." : "The IdP cannot keep two secrets; check the client's secret."
        case .verified, .grace: return "The new secret is verified; the old one stays until the grace period ends."
        case .done, .failed: return ""
        }
    }

    /// Finishes every rotation whose grace period has ended and resumes every other open one that needs no
    /// operator. Safe to run from several processes at once: each rotation is claimed before it is touched.
    public func advanceAll(
        actor: String, deliverer: SecretDeliverer = .unattended, endGraceNow: Bool = false, confirmed: Bool = false
    ) async -> [Result<RotationOutcome, ClienteleError>]
    {
        var results: [Result<RotationOutcome, ClienteleError>] = []
        func advance(_ rotation: Rotation) async {
            do {
                if endGraceNow, rotation.step == .grace { try endGrace(rotation.id!, actor: actor, confirmed: confirmed) }
                results.append(.success(try await run(rotation.id!, actor: actor, deliverer: deliverer)))
            } catch {
                results.append(.failure(error as? ClienteleError ?? .identityProvider(String(describing: error))))
            }
        }
        // First the rotations nobody holds, each claimed before it is read for work; `run` claims it again as
        // its holder and keeps it renewed.
        var visited: Set<Int64> = []
        var after: Int64 = 0
        do {
            while let claimed = try registry.claimNextOpenRotation(
                after: after, owner: leaseOwner, holder: .current, term: leaseTerm)
            {
                after = claimed.id!
                visited.insert(after)
                await advance(claimed)
            }
            // Then those another process held: each is reported as its holder's, or taken over if that process
            // is provably gone.
            for rotation in try registry.openRotations() where !visited.contains(rotation.id!) {
                await advance(rotation)
            }
        } catch {
            results.append(.failure(error as? ClienteleError ?? .registry(String(describing: error))))
        }
        return results
    }

    /// Ends a grace period early (the operator knows every caller has switched, or accepts that one has not). An
    /// old secret recorded as used after the new one was delivered needs `confirmed`: the refusal shows its last
    /// use. Like every write of a rotation it takes the lease first, so it cannot cut in on a process at work on it.
    public func endGrace(_ rotationId: Int64, actor: String, confirmed: Bool = false) throws {
        // Asked before the lease is claimed: a refusal writes nothing at all.
        let now = registry.clock.now
        let lastUse = try registry.retiringSecretInUse(rotationId)
        if let lastUse, !confirmed {
            throw ClienteleError.confirmationRequired(
                "rotation #\(rotationId): old secret \(lastUse.keyId.prefix(8)) was used \(ElapsedText.since(lastUse.at, now: now)), after the new secret was delivered; ending the grace removes it anyway: confirm with --yes")
        }
        let lease: FencedLease
        switch try RotationLeaseClaim.claim(rotationId, owner: leaseOwner, registry: registry, term: leaseTerm) {
        case .claimed(let claimed, _): lease = claimed
        case .finished(let rotation):
            throw ClienteleError.conflict("rotation #\(rotationId) is not in its grace period (it is at '\(rotation.step.label)')")
        case .heldBy(let holder, _):
            throw ClienteleError.conflict(
                "rotation #\(rotationId) is being worked on by another Clientele process (\(holder?.description ?? "unknown")); try again when it has finished")
        }
        defer { lease.release() }
        try RotationJournal(registry: registry, lease: lease).record(action: "rotation.grace-ended-early", actor: actor) {
            rotation, now in
            guard rotation.step == .grace else {
                throw ClienteleError.conflict("rotation #\(rotationId) is not in its grace period (it is at '\(rotation.step.label)')")
            }
            rotation.graceUntil = now
            rotation.graceEndedByOperator = true
            return lastUse.map { ["keyId": $0.keyId, "lastUsedAt": Timestamp.iso8601($0.at)] } ?? [:]
        }
    }
}
