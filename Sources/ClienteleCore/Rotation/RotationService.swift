import Foundation
import GRDB
import Logging

/// Rotates client secrets at the IdP through the persisted state machine of `Rotation`. Each step is recorded
/// before it starts (`runningStep`) and after it finishes (`step`), in the same transaction as its audit event, so
/// a run killed anywhere resumes from the record. The old secret is removed only after the new one was delivered
/// and verified, so an IdP that allows overlap never leaves the client without a working secret.
public final class RotationService: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters
    let leaseOwner: String
    let logger: Logger
    /// Told, in a sentence, when a rotation waits on the IdP (a new secret still replicating), so a person
    /// watching knows why nothing seems to happen.
    let onWait: (@Sendable (String) -> Void)?

    /// How long a claimed rotation stays claimed without progress before another process may take it over.
    static let leaseDuration: TimeInterval = 600
    public static let defaultLifetime = DurationText.days(365)

    public init(registry: Registry, adapters: any IdentityProviderAdapters,
                logger: Logger = Logger(label: "clientele.rotation"), onWait: (@Sendable (String) -> Void)? = nil)
    {
        self.registry = registry
        self.adapters = adapters
        self.onWait = onWait
        // host:pid identifies the process for stale-lease detection; the token tells apart two services in one
        // process (the console advancing all while a rotation of its own runs).
        self.leaseOwner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    // MARK: - Planning

    /// What rotating `request.client` would do; throws for bad input (lifetime over the IdP's cap, unknown client).
    public func preview(_ request: RotationRequest) async throws -> RotationPreview {
        let client = try registry.resolveClient(request.client)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let capabilities = try adapters.adapter(for: idp).capabilities
        let now = registry.clock.now
        let (retiring, open) = try registry.read { db in
            (try SecretMetadata.filter(Column("clientRowId") == client.id!).inService().orderedByExpiry().fetchAll(db),
             try Rotation.filter(Column("clientRowId") == client.id!).open().fetchOne(db))
        }
        var lifetime = (request.lifetime ?? Self.defaultLifetime).timeInterval
        if let cap = capabilities.maxSecretLifetime {
            if request.lifetime != nil && lifetime > cap {
                throw ClienteleError.invalidInput(
                    "--lifetime \(request.lifetime!) exceeds what IdP '\(idp.name)' allows (\(DurationText(seconds: Int64(cap))))")
            }
            lifetime = min(lifetime, cap)
        }
        var reason: String?
        if !capabilities.allowsOverlap {
            reason = "IdP '\(idp.name)' cannot keep two secrets: the old secret of \(client.displayName) stops working the moment the new one is issued"
        } else if request.grace.seconds == 0 && !retiring.isEmpty {
            reason = "a grace period of 0 removes the old secret of \(client.displayName) as soon as the new one is verified"
        }
        return RotationPreview(
            client: client, identityProvider: idp, capabilities: capabilities, retiring: retiring,
            newSecretExpiresAt: now + lifetime, overlap: capabilities.allowsOverlap,
            grace: capabilities.allowsOverlap ? request.grace : DurationText(seconds: 0),
            confirmationReason: reason, resuming: open)
    }

    /// Starts a rotation (or resumes the client's open one) and runs it as far as it can go now.
    public func rotate(_ request: RotationRequest, actor: String, deliverer: SecretDeliverer) async throws
        -> RotationOutcome
    {
        let preview = try await preview(request)
        if let open = preview.resuming {
            return try await run(open.id!, actor: actor, deliverer: deliverer)
        }
        if let reason = preview.confirmationReason, !request.confirmed {
            throw ClienteleError.confirmationRequired("\(reason); confirm with --yes")
        }
        guard deliverer.canDeliver(request.delivery) else {
            throw ClienteleError.invalidInput(
                "no delivery for the new secret: standard output is not a terminal; pass --secret-file PATH or --secret-command CMD")
        }
        if case .file(let path) = request.delivery { try SecretFile.reserve(path) }
        let now = registry.clock.now
        let client = preview.client
        let rotation: Rotation
        do {
            rotation = try registry.write { db in
                var rotation = Rotation(
                    clientRowId: client.id!, step: .planned, runningStep: nil,
                    retiringKeyIds: preview.retiring.map(\.keyId), newKeyId: nil, newSecretDisplayName: "",
                    overlap: preview.overlap, graceSeconds: preview.grace.seconds, graceUntil: nil,
                    lifetimeSeconds: Int64(preview.newSecretExpiresAt.timeIntervalSince(now)),
                    delivery: request.delivery, verification: nil, actor: actor, failureReason: nil, lastError: nil,
                    leaseOwner: nil, leaseUntil: nil, createdAt: now, updatedAt: now)
                try rotation.insert(db)
                rotation.newSecretDisplayName = "clientele rotation #\(rotation.id!)"
                try rotation.update(db)
                try AuditTrail.append(
                    db, at: now, actor: actor, action: "rotation.planned", client: client,
                    details: [
                        "rotation": String(rotation.id!), "idp": preview.identityProvider.name,
                        "retiring": rotation.retiringKeyIds.joined(separator: ","),
                        "overlap": String(rotation.overlap), "grace": preview.grace.description,
                        "delivery": request.delivery.description,
                    ])
                return rotation
            }
        } catch {
            if case .file(let path) = request.delivery, SecretFile.isEmpty(path) { unlink(path) }
            throw error
        }
        return try await run(rotation.id!, actor: actor, deliverer: deliverer)
    }

    // MARK: - Running

    /// Runs a rotation from its recorded step as far as it can go now: to `done`, to the grace period, or to a
    /// point where it must wait (for delivery, for the IdP).
    public func run(_ rotationId: Int64, actor: String, deliverer: SecretDeliverer) async throws -> RotationOutcome {
        guard var rotation = try claim(rotationId) else {
            let current = try loadRotation(rotationId)
            let client = try registry.read { db in try Client.fetchOne(db, key: current.clientRowId)! }
            if !current.isOpen { return outcome(current, client) }
            return RotationOutcome(
                rotation: current, client: client,
                status: .waiting("another Clientele process (\(current.leaseOwner ?? "?")) is working on it"))
        }
        defer { release(rotationId) }
        let clientRowId = rotation.clientRowId
        let client = try registry.read { db in try Client.fetchOne(db, key: clientRowId)! }
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let adapter = try adapters.adapter(for: idp)
        let reference = RemoteClientReference(client)
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
                    rotation = try await createSecret(rotation, client: client, adapter: adapter, held: &held)
                case .created:
                    rotation = try await deliverSecret(
                        rotation, client: client, adapter: adapter, deliverer: deliverer, held: &held)
                case .delivered:
                    rotation = try await verifySecret(rotation, client: client, adapter: adapter, held: held)
                case .verified:
                    rotation = try startGrace(rotation, client: client)
                case .grace:
                    let now = registry.clock.now
                    if let until = rotation.graceUntil, until > now {
                        return RotationOutcome(rotation: rotation, client: client, status: .inGrace(until: until))
                    }
                    rotation = try await retireOldSecrets(rotation, client: client, adapter: adapter, reference: reference)
                case .done, .failed:
                    return outcome(rotation, client)
                }
            }
        } catch let error as RotationStop {
            rotation = try loadRotation(rotationId)
            return RotationOutcome(rotation: rotation, client: client, status: error.status)
        } catch {
            let message = (error as? ClienteleError)?.description ?? String(describing: error)
            try? record(rotationId) { rotation, _ in rotation.lastError = message }
            let current = (try? loadRotation(rotationId)) ?? rotation
            throw ClienteleError.identityProvider(
                "rotation #\(rotationId) of \(client.displayName) stopped at '\(current.step.label)': \(message). "
                    + standing(current) + " Run `clientele rotate \(client.displayName)` to resume.")
        }
    }

    /// What is true for callers while a rotation is stopped at its recorded step.
    func standing(_ rotation: Rotation) -> String {
        switch rotation.step {
        case .planned, .created, .delivered:
            return rotation.overlap ? "The old secret is still active." : "The IdP cannot keep two secrets; check the client's secret."
        case .verified, .grace: return "The new secret is verified; the old one stays until the grace period ends."
        case .done, .failed: return ""
        }
    }

    /// Finishes every rotation whose grace period has ended and resumes every other open one that needs no
    /// operator. Safe to run from several processes at once: each rotation is claimed before it is touched.
    public func advanceAll(actor: String, deliverer: SecretDeliverer = .unattended, endGraceNow: Bool = false)
        async -> [Result<RotationOutcome, ClienteleError>]
    {
        let open: [Rotation]
        do {
            open = try registry.read { db in try Rotation.all().open().order(Column("id")).fetchAll(db) }
        } catch {
            return [.failure(error as? ClienteleError ?? .registry(String(describing: error)))]
        }
        var results: [Result<RotationOutcome, ClienteleError>] = []
        for rotation in open {
            do {
                if endGraceNow, rotation.step == .grace { try endGrace(rotation.id!, actor: actor) }
                results.append(.success(try await run(rotation.id!, actor: actor, deliverer: deliverer)))
            } catch {
                results.append(.failure(error as? ClienteleError ?? .identityProvider(String(describing: error))))
            }
        }
        return results
    }

    /// Ends a grace period early (the operator knows every caller has switched).
    public func endGrace(_ rotationId: Int64, actor: String) throws {
        try record(rotationId, action: "rotation.grace-ended-early", actor: actor) { rotation, now in
            guard rotation.step == .grace else {
                throw ClienteleError.conflict("rotation #\(rotationId) is not in its grace period (it is at '\(rotation.step.label)')")
            }
            rotation.graceUntil = now
            return [:]
        }
    }

    // MARK: - Steps

    private func createSecret(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, held: inout SecretText?
    ) async throws -> Rotation {
        let reference = RemoteClientReference(client)
        if rotation.runningStep == .created && rotation.overlap {
            // A previous run may have created a secret and died before recording it. Its text is lost, so nobody
            // can use it: remove it rather than leave an extra secret behind.
            if let remote = try await adapter.client(reference) {
                for orphan in remote.secrets where orphan.displayName == rotation.newSecretDisplayName {
                    try await adapter.removeSecret(orphan.keyId, from: reference)
                    logger.info("removed unrecorded secret \(orphan.keyId) left by an interrupted rotation #\(rotation.id!)")
                }
            }
        }
        try record(rotation.id!) { rotation, _ in rotation.runningStep = .created }
        let expiresAt = rotation.lifetimeSeconds.map { registry.clock.now + TimeInterval($0) }
        let secret = try await adapter.addSecret(to: reference, displayName: rotation.newSecretDisplayName,
                                                 expiresAt: expiresAt)
        FaultPoint.hit(.afterIdPCreate)
        held = secret.text
        let updated = try record(rotation.id!, action: "rotation.secret-created", actor: rotation.actor) { rotation, now in
            rotation.step = .created
            rotation.runningStep = nil
            rotation.newKeyId = secret.metadata.keyId
            rotation.lastError = nil
            return ["keyId": secret.metadata.keyId, "hint": secret.metadata.hint,
                    "expires": secret.metadata.expiresAt.map(Timestamp.iso8601) ?? "never",
                    "replaced": secret.replacedKeyIds.joined(separator: ",")]
        } also: { db, now in
            var metadata = SecretMetadata(
                clientRowId: client.id!, keyId: secret.metadata.keyId, hint: secret.metadata.hint,
                displayName: secret.metadata.displayName, createdAt: secret.metadata.createdAt,
                expiresAt: secret.metadata.expiresAt, state: .pending, origin: .rotated)
            try metadata.insert(db, onConflict: .replace)
            if !secret.replacedKeyIds.isEmpty {
                try SecretMetadata.markRemoved(db, clientRowId: client.id!, keyIds: secret.replacedKeyIds, at: now)
            }
        }
        FaultPoint.hit(.afterCreated)
        return updated
    }

    private func deliverSecret(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, deliverer: SecretDeliverer,
        held: inout SecretText?
    ) async throws -> Rotation {
        guard let text = held else {
            return try await recoverUndelivered(rotation, client: client, adapter: adapter, held: &held)
        }
        try record(rotation.id!) { rotation, _ in rotation.runningStep = .delivered }
        do {
            try await deliverer.deliver(text, for: client, via: rotation.delivery)
        } catch {
            let reason = (error as? ClienteleError)?.description ?? error.localizedDescription
            return try await withdrawUndeliverable(rotation, client: client, adapter: adapter, reason: reason)
        }
        FaultPoint.hit(.afterDeliver)
        let updated = try record(rotation.id!, action: "rotation.secret-delivered", actor: rotation.actor) { rotation, _ in
            rotation.step = .delivered
            rotation.runningStep = nil
            return ["keyId": rotation.newKeyId ?? "", "delivery": rotation.delivery.description]
        }
        FaultPoint.hit(.afterDelivered)
        return updated
    }

    /// After a crash between creating and delivering, the new secret's text is gone. A file delivery may already
    /// have happened (then the file tells); otherwise the secret is withdrawn and the rotation creates another.
    private func recoverUndelivered(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, held: inout SecretText?
    ) async throws -> Rotation {
        if case .file(let path) = rotation.delivery, let written = SecretFile.read(path),
            try await adapter.verify(written, for: RemoteClientReference(client)) == .accepted
        {
            held = written
            return try record(rotation.id!, action: "rotation.secret-delivered", actor: rotation.actor) { rotation, _ in
                rotation.step = .delivered
                rotation.runningStep = nil
                return ["keyId": rotation.newKeyId ?? "", "delivery": rotation.delivery.description,
                        "recovered": "the file written before an interruption holds the new secret"]
            }
        }
        if !rotation.overlap {
            // Withdrawing would leave the client with no secret at all; issuing another replaces this one.
            return try record(rotation.id!, action: "rotation.reissuing", actor: rotation.actor) { rotation, _ in
                rotation.step = .planned
                rotation.runningStep = nil
                return ["reason": "the new secret's text was lost before delivery"]
            }
        }
        return try await withdrawUndeliverable(
            rotation, client: client, adapter: adapter, reason: "the new secret's text was lost before delivery",
            stop: false)
    }

    /// Removes a new secret that could not be delivered, so nobody holds a secret nobody has, and sends the
    /// rotation back to `planned`.
    private func withdrawUndeliverable(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, reason: String, stop: Bool = true
    ) async throws -> Rotation {
        guard rotation.overlap, let keyId = rotation.newKeyId else {
            try record(rotation.id!) { rotation, _ in rotation.lastError = reason }
            throw ClienteleError.delivery(
                "rotation #\(rotation.id!) of \(client.displayName): \(reason). The IdP cannot keep two secrets, so the old one is already gone; run `clientele rotate \(client.displayName)` to issue and deliver another")
        }
        try await adapter.removeSecret(keyId, from: RemoteClientReference(client))
        let updated = try record(rotation.id!, action: "rotation.secret-withdrawn", actor: rotation.actor) { rotation, _ in
            rotation.step = .planned
            rotation.runningStep = nil
            rotation.newKeyId = nil
            rotation.lastError = reason
            return ["keyId": keyId, "reason": reason]
        } also: { db, now in
            try SecretMetadata.markRemoved(db, clientRowId: client.id!, keyIds: [keyId], at: now)
        }
        if stop {
            throw ClienteleError.delivery(
                "rotation #\(rotation.id!) of \(client.displayName) could not deliver the new secret: \(reason). The new secret was withdrawn at the IdP and the old secret is still active; fix the delivery and run `clientele rotate \(client.displayName)` to resume")
        }
        return updated
    }

    private func verifySecret(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, held: SecretText?
    ) async throws -> Rotation {
        let reference = RemoteClientReference(client)
        var text = held
        if text == nil, case .file(let path) = rotation.delivery { text = SecretFile.read(path) }
        let verification: String
        if let text {
            let (result, waited) = try await verifyAllowingPropagation(text, client: client, adapter: adapter)
            switch result {
            case .accepted:
                verification = waited < 1 ? "the IdP accepted the new secret"
                    : "the IdP accepted the new secret after \(Int(waited)) s (while it replicated)"
            case .rejected(let why):
                let after = waited < 1 ? why : "\(why); still refused after \(Int(waited)) s allowed for replication"
                return try await failRejected(rotation, client: client, adapter: adapter, why: after)
            case .couldNotVerify(let why):
                try record(rotation.id!) { rotation, _ in rotation.lastError = "could not verify: \(why)" }
                throw RotationStop(status: .waiting("could not verify the new secret at the IdP (\(why)); the old secret stays until it can"))
            }
        } else {
            // The text was shown or piped before an interruption and is not held any more: the IdP's record of the
            // key is the evidence left.
            guard let remote = try await adapter.client(reference),
                remote.secrets.contains(where: { $0.keyId == rotation.newKeyId })
            else {
                return try await failRejected(rotation, client: client, adapter: adapter,
                                              why: "the IdP no longer lists the new secret")
            }
            verification = "the IdP lists the new key (its text was delivered before an interruption and is not held)"
        }
        let updated = try record(rotation.id!, action: "rotation.secret-verified", actor: rotation.actor) { rotation, _ in
            rotation.step = .verified
            rotation.verification = verification
            rotation.lastError = nil
            return ["keyId": rotation.newKeyId ?? "", "verification": verification]
        } also: { db, _ in
            try db.execute(sql: "UPDATE secret SET state = 'active' WHERE clientRowId = ? AND keyId = ?",
                           arguments: [client.id!, rotation.newKeyId])
        }
        FaultPoint.hit(.afterVerified)
        return updated
    }

    /// Asks the IdP about a new secret; where new secrets take a while to replicate, a refusal is asked again with
    /// growing pauses until the IdP's propagation allowance is spent. Returns the last answer and the seconds waited.
    private func verifyAllowingPropagation(
        _ text: SecretText, client: Client, adapter: any IdentityProviderAdapter
    ) async throws -> (SecretVerification, TimeInterval) {
        let reference = RemoteClientReference(client)
        let allowance = adapter.capabilities.newSecretPropagation
        let started = ContinuousClock.now
        var pause = 1.0
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
            result = try await adapter.verify(text, for: reference)
        }
        return (result, (ContinuousClock.now - started) / .seconds(1))
    }

    private func failRejected(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, why: String
    ) async throws -> Rotation {
        if rotation.overlap, let keyId = rotation.newKeyId {
            try? await adapter.removeSecret(keyId, from: RemoteClientReference(client))
        }
        let reason = "the IdP rejected the new secret (\(why))"
            + (rotation.overlap ? "; it was withdrawn and the old secret is untouched" : "")
        return try record(rotation.id!, action: "rotation.failed", actor: rotation.actor) { rotation, _ in
            rotation.step = .failed
            rotation.failureReason = reason
            return ["reason": reason]
        } also: { db, now in
            if rotation.overlap, let keyId = rotation.newKeyId {
                try SecretMetadata.markRemoved(db, clientRowId: client.id!, keyIds: [keyId], at: now)
            }
        }
    }

    private func startGrace(_ rotation: Rotation, client: Client) throws -> Rotation {
        let updated = try record(rotation.id!, action: "rotation.grace-started", actor: rotation.actor) { rotation, now in
            let until = now + TimeInterval(rotation.graceSeconds)
            rotation.step = .grace
            rotation.graceUntil = until
            return ["until": Timestamp.iso8601(until), "retiring": rotation.retiringKeyIds.joined(separator: ",")]
        } also: { db, now in
            let until = now + TimeInterval(rotation.graceSeconds)
            for keyId in rotation.retiringKeyIds {
                try db.execute(
                    sql: "UPDATE secret SET state = 'grace', graceUntil = ? WHERE clientRowId = ? AND keyId = ? AND state <> 'removed'",
                    arguments: [until, client.id!, keyId])
            }
        }
        FaultPoint.hit(.afterGraceStarted)
        return updated
    }

    private func retireOldSecrets(
        _ rotation: Rotation, client: Client, adapter: any IdentityProviderAdapter, reference: RemoteClientReference
    ) async throws -> Rotation {
        try record(rotation.id!) { rotation, _ in rotation.runningStep = .done }
        for keyId in rotation.retiringKeyIds where rotation.overlap {
            try await adapter.removeSecret(keyId, from: reference)
        }
        FaultPoint.hit(.afterIdPRemove)
        return try record(rotation.id!, action: "rotation.completed", actor: rotation.actor) { rotation, _ in
            rotation.step = .done
            rotation.runningStep = nil
            rotation.lastError = nil
            return ["removed": rotation.retiringKeyIds.joined(separator: ","), "keyId": rotation.newKeyId ?? ""]
        } also: { db, now in
            try SecretMetadata.markRemoved(db, clientRowId: client.id!, keyIds: rotation.retiringKeyIds, at: now)
        }
    }

    // MARK: - Records

    /// Changes a rotation in one transaction; with `action`, also appends an audit event whose details `change`
    /// returns, and runs `also` (secret metadata) in the same transaction.
    @discardableResult
    private func record(
        _ rotationId: Int64, action: String? = nil, actor: String = "",
        _ change: @escaping @Sendable (inout Rotation, Date) throws -> [String: String]?,
        also: (@Sendable (Database, Date) throws -> Void)? = nil
    ) throws -> Rotation {
        let now = registry.clock.now
        let owner = leaseOwner
        return try registry.write { db in
            guard var rotation = try Rotation.fetchOne(db, key: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            let details = try change(&rotation, now)
            rotation.updatedAt = now
            if rotation.leaseOwner == owner { rotation.leaseUntil = now + Self.leaseDuration }
            try rotation.update(db)
            try also?(db, now)
            if let action {
                let client = try Client.fetchOne(db, key: rotation.clientRowId)!
                var allDetails = details ?? [:]
                allDetails["rotation"] = String(rotationId)
                try AuditTrail.append(db, at: now, actor: actor.isEmpty ? rotation.actor : actor, action: action,
                                      client: client, details: allDetails)
            }
            return rotation
        }
    }

    private func record(_ rotationId: Int64, _ change: @escaping @Sendable (inout Rotation, Date) throws -> Void) throws {
        try record(rotationId, action: nil) { rotation, now in
            try change(&rotation, now)
            return nil
        }
    }

    func loadRotation(_ rotationId: Int64) throws -> Rotation {
        guard let rotation = try registry.read({ db in try Rotation.fetchOne(db, key: rotationId) }) else {
            throw ClienteleError.notFound("no rotation #\(rotationId)")
        }
        return rotation
    }

    /// Claims a rotation for this process. A lease held by a live process elsewhere wins; one left by a process
    /// that died on this host, or expired, is taken over.
    func claim(_ rotationId: Int64) throws -> Rotation? {
        let now = registry.clock.now
        let owner = leaseOwner
        let host = ProcessInfo.processInfo.hostName
        return try registry.write { db in
            guard var rotation = try Rotation.fetchOne(db, key: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            guard rotation.isOpen else { return nil }
            if let holder = rotation.leaseOwner, holder != owner, let until = rotation.leaseUntil, until > now,
                !Self.isDeadLocalProcess(holder, host: host)
            {
                return nil
            }
            rotation.leaseOwner = owner
            rotation.leaseUntil = now + Self.leaseDuration
            try rotation.update(db)
            return rotation
        }
    }

    private func release(_ rotationId: Int64) {
        let owner = leaseOwner
        _ = try? registry.write { db in
            try db.execute(sql: "UPDATE rotation SET leaseOwner = NULL, leaseUntil = NULL WHERE id = ? AND leaseOwner = ?",
                           arguments: [rotationId, owner])
        }
    }

    /// Whether `holder` (`host:pid:token`) names a process on this host that no longer exists.
    static func isDeadLocalProcess(_ holder: String, host: String) -> Bool {
        let parts = holder.split(separator: ":")
        guard parts.count >= 3, parts.dropLast(2).joined(separator: ":") == host,
            let pid = pid_t(parts[parts.count - 2])
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private func outcome(_ rotation: Rotation, _ client: Client) -> RotationOutcome {
        switch rotation.step {
        case .done: return RotationOutcome(rotation: rotation, client: client, status: .completed)
        case .failed:
            return RotationOutcome(rotation: rotation, client: client, status: .failed(rotation.failureReason ?? "unknown"))
        case .grace:
            return RotationOutcome(rotation: rotation, client: client, status: .inGrace(until: rotation.graceUntil ?? .distantPast))
        default:
            return RotationOutcome(rotation: rotation, client: client, status: .waiting(rotation.lastError ?? "resumable"))
        }
    }
}

/// Ends a run early with a resumable status (rather than an error).
struct RotationStop: Error {
    let status: RotationOutcome.Status
}

/// An open rotation with its client, for lists.
public struct RotationListing: Sendable {
    public var rotation: Rotation
    public var clientName: String
    public var identityProvider: String
}

extension Registry {
    /// Rotations for lists: open ones first, then the most recent finished ones.
    public func rotations(includeFinished: Bool = false, limit: Int = 200) throws -> [RotationListing] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, c.displayName AS clientName, i.name AS idpName FROM rotation r
                    JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    \(includeFinished ? "" : "WHERE r.step NOT IN ('done', 'failed')")
                    ORDER BY r.step IN ('done', 'failed'), r.id DESC LIMIT ?
                    """, arguments: [limit])
            return try rows.map { row in
                RotationListing(rotation: try Rotation(row: row), clientName: row["clientName"],
                                identityProvider: row["idpName"])
            }
        }
    }
}
