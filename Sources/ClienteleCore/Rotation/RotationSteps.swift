import Foundation
import Logging

/// The steps of one rotation run, each from one recorded step to the next. Every call to the IdP and every
/// delivery is preceded by a fenced write or a lease confirmation, so a process that lost its lease stops before
/// it reaches the IdP again.
struct RotationSteps: Sendable {
    let journal: RotationJournal
    let lease: FencedLease
    let client: Client
    /// The IdP's name, for a secret command's environment.
    let identityProviderName: String
    let adapter: any IdentityProviderAdapter
    let clock: ClienteleClock
    let hold: RotationHold
    let logger: Logger
    let onWait: (@Sendable (String) -> Void)?

    var reference: RemoteClientReference { RemoteClientReference(client) }
    var clientRowId: Int64 { client.id! }

    // MARK: planned → created

    func createSecret(_ rotation: Rotation, held: inout SecretText?) async throws -> Rotation {
        let reference = self.reference
        if rotation.runningStep == .created && rotation.overlap {
            // A previous run may have created a secret and died before recording it. Its text is lost, so nobody
            // can use it: remove it rather than leave an extra secret behind.
            try lease.confirm()
            if let remote = try await adapter.client(reference) {
                for orphan in remote.secrets where orphan.displayName == rotation.newSecretDisplayName {
                    try lease.confirm()
                    try await adapter.removeSecret(orphan.keyId, from: reference)
                    logger.info("removed unrecorded secret \(orphan.keyId) left by an interrupted rotation #\(rotation.id!)")
                }
            }
        }
        try journal.note { rotation, _ in rotation.runningStep = .created }
        let expiresAt = rotation.lifetimeSeconds.map { clock.now + TimeInterval($0) }
        let secret = try await adapter.addSecret(to: reference, displayName: rotation.newSecretDisplayName,
                                                 expiresAt: expiresAt)
        FaultPoint.hit(.afterIdPCreate)
        held = secret.text
        let clientRowId = self.clientRowId
        let updated = try journal.record(action: "rotation.secret-created", actor: rotation.actor) { rotation, _ in
            rotation.step = .created
            rotation.runningStep = nil
            rotation.newKeyId = secret.metadata.keyId
            rotation.lastError = nil
            return ["keyId": secret.metadata.keyId, "hint": secret.metadata.hint,
                    "expires": secret.metadata.expiresAt.map(Timestamp.iso8601) ?? "never",
                    "replaced": secret.replacedKeyIds.joined(separator: ",")]
        } secrets: { now in
            [.recordNew(SecretMetadata(
                clientRowId: clientRowId, keyId: secret.metadata.keyId, hint: secret.metadata.hint,
                displayName: secret.metadata.displayName, createdAt: secret.metadata.createdAt,
                expiresAt: secret.metadata.expiresAt, state: .pending, origin: .rotated)),
             .markRemoved(keyIds: secret.replacedKeyIds, at: now)]
        }
        FaultPoint.hit(.afterCreated)
        return updated
    }

    // MARK: created → delivered

    func deliverSecret(_ rotation: Rotation, deliverer: SecretDeliverer, held: inout SecretText?) async throws
        -> Rotation
    {
        guard let text = held else { return try await recoverUndelivered(rotation, held: &held) }
        try journal.note { rotation, _ in rotation.runningStep = .delivered }
        do {
            try await deliverer.deliver(text, for: client, identityProvider: identityProviderName, via: rotation.delivery)
        } catch {
            let reason = (error as? ClienteleError)?.description ?? error.localizedDescription
            return try await withdrawUndeliverable(rotation, reason: reason)
        }
        FaultPoint.hit(.afterDeliver)
        let updated = try journal.record(action: "rotation.secret-delivered", actor: rotation.actor) { rotation, now in
            rotation.step = .delivered
            rotation.runningStep = nil
            rotation.deliveredAt = now
            return ["keyId": rotation.newKeyId ?? "", "delivery": rotation.delivery.description]
        }
        FaultPoint.hit(.afterDelivered)
        return updated
    }

    /// After a crash between creating and delivering, the new secret's text is gone. A file delivery may already
    /// have happened (then the file tells); otherwise the secret is withdrawn and the rotation creates another.
    private func recoverUndelivered(_ rotation: Rotation, held: inout SecretText?) async throws -> Rotation {
        if case .file(let path) = rotation.delivery, let written = SecretFile.read(path) {
            try lease.confirm()
            if try await adapter.verify(written, for: reference) == .accepted {
                held = written
                return try journal.record(action: "rotation.secret-delivered", actor: rotation.actor) { rotation, now in
                    rotation.step = .delivered
                    rotation.runningStep = nil
                    // The file was written before the interruption, at the latest now.
                    rotation.deliveredAt = now
                    return ["keyId": rotation.newKeyId ?? "", "delivery": rotation.delivery.description,
                            "recovered": "the file written before an interruption holds the new secret"]
                }
            }
        }
        if !rotation.overlap {
            // Withdrawing would leave the client with no secret at all; issuing another replaces this one.
            return try journal.record(action: "rotation.reissuing", actor: rotation.actor) { rotation, _ in
                rotation.step = .planned
                rotation.runningStep = nil
                return ["reason": "the new secret's text was lost before delivery"]
            }
        }
        return try await withdrawUndeliverable(
            rotation, reason: "the new secret's text was lost before delivery", stop: false)
    }

    /// Removes a new secret that could not be delivered, so nobody holds a secret nobody has, and sends the
    /// rotation back to `planned`.
    private func withdrawUndeliverable(_ rotation: Rotation, reason: String, stop: Bool = true) async throws
        -> Rotation
    {
        guard rotation.overlap, let keyId = rotation.newKeyId else {
            try journal.note { rotation, _ in rotation.lastError = reason }
            throw ClienteleError.delivery(
                "rotation #\(rotation.id!) of \(client.displayName): \(reason). The IdP cannot keep two secrets, so the old one is already gone; run `clientele rotate \(client.displayName)` to issue and deliver another")
        }
        try lease.confirm()
        try await adapter.removeSecret(keyId, from: reference)
        let updated = try journal.record(action: "rotation.secret-withdrawn", actor: rotation.actor) { rotation, _ in
            rotation.step = .planned
            rotation.runningStep = nil
            rotation.newKeyId = nil
            rotation.lastError = reason
            return ["keyId": keyId, "reason": reason]
        } secrets: { now in
            [.markRemoved(keyIds: [keyId], at: now)]
        }
        if stop {
            throw ClienteleError.delivery(
                "rotation #\(rotation.id!) of \(client.displayName) could not deliver the new secret: \(reason). The new secret was withdrawn at the IdP and the old secret is still active; fix the delivery and run `clientele rotate \(client.displayName)` to resume")
        }
        return updated
    }

    // MARK: delivered → verified

    func verifySecret(_ rotation: Rotation, held: SecretText?) async throws -> Rotation {
        var text = held
        if text == nil, case .file(let path) = rotation.delivery { text = SecretFile.read(path) }
        let verification: String
        if let text {
            let (result, waited) = try await verifyAllowingPropagation(text)
            switch result {
            case .accepted:
                verification = waited < 1 ? "the IdP accepted the new secret"
                    : "the IdP accepted the new secret after \(Int(waited)) s (while it replicated)"
            case .rejected(let why):
                let after = waited < 1 ? why : "\(why); still refused after \(Int(waited)) s allowed for replication"
                return try await failRejected(rotation, why: after)
            case .couldNotVerify(let why):
                try journal.note { rotation, _ in rotation.lastError = "could not verify: \(why)" }
                throw RotationStop(status: .waiting("could not verify the new secret at the IdP (\(why)); the old secret stays until it can"))
            }
        } else {
            // The text was shown or piped before an interruption and is not held any more: the IdP's record of the
            // key is the evidence left.
            try lease.confirm()
            guard let remote = try await adapter.client(reference),
                remote.secrets.contains(where: { $0.keyId == rotation.newKeyId })
            else {
                return try await failRejected(rotation, why: "the IdP no longer lists the new secret")
            }
            verification = "the IdP lists the new key (its text was delivered before an interruption and is not held)"
        }
        let updated = try journal.record(action: "rotation.secret-verified", actor: rotation.actor) { rotation, _ in
            rotation.step = .verified
            rotation.verification = verification
            rotation.lastError = nil
            return ["keyId": rotation.newKeyId ?? "", "verification": verification]
        } secrets: { _ in
            [.activate(keyId: rotation.newKeyId)]
        }
        FaultPoint.hit(.afterVerified)
        return updated
    }

    /// Asks the IdP about a new secret; where new secrets take a while to replicate, a refusal is asked again with
    /// growing pauses until the IdP's propagation allowance is spent. Returns the last answer and the seconds waited.
    private func verifyAllowingPropagation(_ text: SecretText) async throws -> (SecretVerification, TimeInterval) {
        let allowance = adapter.capabilities.newSecretPropagation
        let started = ContinuousClock.now
        var pause = 1.0
        try lease.confirm()
        var result = try await adapter.verify(text, for: reference)
        while case .rejected = result {
            let waited = (ContinuousClock.now - started) / .seconds(1)
            guard waited < allowance else { break }
            let next = min(pause, allowance - waited)
            let note = "the IdP does not accept the new secret of \(client.displayName) yet (new secrets take a while to replicate); asking again in \(Int(next.rounded(.up))) s"
            logger.info("\(note)")
            onWait?(note)
            try await Task.sleep(for: .milliseconds(Int(next * 1000)))
            pause = min(pause * 2, 15)
            try lease.confirm()
            result = try await adapter.verify(text, for: reference)
        }
        return (result, (ContinuousClock.now - started) / .seconds(1))
    }

    private func failRejected(_ rotation: Rotation, why: String) async throws -> Rotation {
        if rotation.overlap, let keyId = rotation.newKeyId {
            try lease.confirm()
            try? await adapter.removeSecret(keyId, from: reference)
        }
        let reason = "the IdP rejected the new secret (\(why))"
            + (rotation.overlap ? "; it was withdrawn and the old secret is untouched" : "")
        return try journal.record(action: "rotation.failed", actor: rotation.actor) { rotation, _ in
            rotation.step = .failed
            rotation.failureReason = reason
            return ["reason": reason]
        } secrets: { now in
            guard rotation.overlap, let keyId = rotation.newKeyId else { return [] }
            return [.markRemoved(keyIds: [keyId], at: now)]
        }
    }

    // MARK: verified → grace → done

    func startGrace(_ rotation: Rotation) throws -> Rotation {
        let updated = try journal.record(action: "rotation.grace-started", actor: rotation.actor) { rotation, now in
            let until = now + TimeInterval(rotation.graceSeconds)
            rotation.step = .grace
            rotation.graceUntil = until
            return ["until": Timestamp.iso8601(until), "retiring": rotation.retiringKeyIds.joined(separator: ",")]
        } secrets: { now in
            [.startGrace(keyIds: rotation.retiringKeyIds, until: now + TimeInterval(rotation.graceSeconds))]
        }
        FaultPoint.hit(.afterGraceStarted)
        return updated
    }

    func retireOldSecrets(_ rotation: Rotation) async throws -> Rotation {
        // A retirement already under way (runningStep .done: a run died while removing) was decided: some old
        // secrets may be gone at the IdP already, so it is finished, not held.
        if rotation.overlap, !rotation.graceEndedByOperator, rotation.runningStep != .done,
            !rotation.retiringKeyIds.isEmpty
        {
            if let held = try await holdIfInUse(rotation) { return held }
        }
        try journal.note { rotation, _ in rotation.runningStep = .done }
        for keyId in rotation.retiringKeyIds where rotation.overlap {
            try lease.confirm()
            try await adapter.removeSecret(keyId, from: reference)
        }
        FaultPoint.hit(.afterIdPRemove)
        return try journal.record(action: "rotation.completed", actor: rotation.actor) { rotation, _ in
            rotation.step = .done
            rotation.runningStep = nil
            rotation.lastError = nil
            return ["removed": rotation.retiringKeyIds.joined(separator: ","), "keyId": rotation.newKeyId ?? ""]
        } secrets: { now in
            [.markRemoved(keyIds: rotation.retiringKeyIds, at: now)]
        }
    }
}

extension RotationSteps {
    /// Reads the IdP's record of use before anything is removed, and holds the rotation (its grace pushed out, or
    /// waiting for an operator) when a caller still uses an old secret. Nil: retire.
    private func holdIfInUse(_ rotation: Rotation) async throws -> Rotation? {
        try lease.confirm()
        let report = try await adapter.secretUsage(of: [reference])
        try journal.registry.recordSecretUsage(
            report, identityProviderId: client.identityProviderId, clientRowIds: [clientRowId])
        let decision = hold.decide(rotation, report: report, now: clock.now)
        let keyId: String, lastUsedAt: Date, until: Date?
        switch decision {
        case .retire: return nil
        case .extend(let key, let last, let next): (keyId, lastUsedAt, until) = (key, last, next)
        case .awaitOperator(let key, let last): (keyId, lastUsedAt, until) = (key, last, nil)
        }
        let step = hold.step.seconds
        let retiring = rotation.retiringKeyIds
        let held = try journal.record(action: "rotation.held-in-use", actor: rotation.actor) { rotation, _ in
            if until != nil { rotation.graceExtendedSeconds += step }
            rotation.graceUntil = until
            rotation.heldKeyId = keyId
            rotation.heldLastUsedAt = lastUsedAt
            return ["keyId": keyId, "lastUsedAt": Timestamp.iso8601(lastUsedAt),
                    "holdingUntil": until.map(Timestamp.iso8601) ?? "operator",
                    "extendedBy": DurationText(seconds: rotation.graceExtendedSeconds).description]
        } secrets: { _ in
            [.holdGrace(keyIds: retiring, until: until)]
        }
        logger.info("rotation #\(rotation.id!) of \(client.displayName) held: old secret \(keyId) used at \(Timestamp.iso8601(lastUsedAt))")
        return held
    }
}

/// Ends a run early with a resumable status (rather than an error).
struct RotationStop: Error {
    let status: RotationOutcome.Status
}
