import ClienteleCore
import Foundation
import Synchronization

/// The one place where the console reaches the core. Each effect runs off the UI thread and posts its result as
/// an action. `--readonly` is enforced here, for every effect, whatever the keymap offered.
public final class EffectRunner: EffectPerforming, Sendable {
    let registry: Registry
    let service: RotationService
    let removal: SecretRemoval
    let gateways: GatewayPolicyService
    /// The gateways' client side, checked against the IdPs (the Drift screen's client-app rows).
    let clientApps: GatewayAppService
    /// The same adapters the service uses, for a gateway's mapping when wording a result.
    let gatewayAdapters: any GatewayAdapters
    let actor: String
    let readonly: Bool
    let inbox: ActionInbox
    let gate = SecretGate()
    private let longWork = Mutex<Task<Void, Never>?>(nil)
    /// The load of the whole client index, kept so Esc can stop it and a newer load can replace it.
    private let clientLoad = Mutex<Task<Void, Never>?>(nil)
    private let answering = Mutex(0)
    /// Other processes' commits as they happen (PostgreSQL); the revision poll stays, for SQLite and as the net.
    private let watch = Mutex<RegistryWatch?>(nil)

    /// Effects under way that answer by themselves (loads, previews, a plan, a removal). Work that may wait on
    /// the operator (a rotation at its show-once step, advancing rotations) is not counted, so a test can wait
    /// for this to reach zero and know every answer is in the inbox.
    public var inFlight: Int { answering.withLock { $0 } }

    static func waitsOnOperator(_ effect: Effect) -> Bool {
        switch effect {
        case .rotate, .rotateMany, .advanceRotation, .advanceAll, .endGrace: return true
        default: return false
        }
    }

    /// `rotationDefaults` are the configuration's, as the CLI's `rotate` takes them. `gatewayAdapters` are the
    /// standard ones (as the CLI's) unless a test brings its own.
    public init(registry: Registry, adapters: any IdentityProviderAdapters, actor: String, readonly: Bool,
                inbox: ActionInbox, rotationDefaults: RotationDefaults = .standard,
                gatewayAdapters: (any GatewayAdapters)? = nil)
    {
        self.registry = registry
        self.service = RotationService(registry: registry, adapters: adapters, defaults: rotationDefaults,
                                       onWait: { note in inbox.post(.progress(done: 0, total: 1, note: note)) })
        self.removal = SecretRemoval(registry: registry, adapters: adapters)
        let gatewayAdapters = gatewayAdapters ?? StandardGatewayAdapters(registry: registry)
        self.gatewayAdapters = gatewayAdapters
        // Read-only reads the gateways without recording what they run: nothing in the registry changes.
        self.gateways = GatewayPolicyService(registry: registry, gateways: gatewayAdapters, recordsReads: !readonly)
        self.clientApps = GatewayAppService(registry: registry, gateways: gatewayAdapters, identityProviders: adapters,
                                            recordsReads: !readonly)
        self.actor = actor
        self.readonly = readonly
        self.inbox = inbox
        let watching = registry.watchChanges { [registry, inbox] revision in
            if let revision = revision ?? (try? registry.revision()) { inbox.post(.revision(revision)) }
        }
        watch.withLock { $0 = watching }
    }

    deinit { watch.withLock { $0?.stop() } }

    /// Shows new secrets through the console's dialog and waits until the operator closes it.
    var deliverer: SecretDeliverer {
        let inbox = self.inbox
        let gate = self.gate
        return SecretDeliverer(showOnce: { secret, client in
            inbox.post(.secretReady(secret, clientName: client.displayName))
            await gate.wait()
        }, commandOutputShown: false)
    }

    public func perform(_ effects: [Effect]) {
        for effect in effects { perform(effect) }
    }

    public func perform(_ effect: Effect) {
        if readonly && effect.changesState {
            inbox.post(.failed(Failure(effect.origin, "read-only console: changes are switched off (started with --readonly)")))
            return
        }
        switch effect {
        case .acknowledgeSecret:
            gate.acknowledge()
        case .cancelLongWork:
            longWork.withLock { $0?.cancel() }
        case .advanceAll:
            let task = Task.detached { [self] in await advanceAll() }
            longWork.withLock { $0 = task }
        case .rotateMany(let request):
            let task = Task.detached { [self] in await rotateMany(request) }
            longWork.withLock { $0 = task }
        case .cancelClientLoad:
            clientLoad.withLock { $0?.cancel() }
        case .loadClients:
            answering.withLock { $0 += 1 }
            let task = Task.detached { [self] in
                defer { answering.withLock { $0 -= 1 } }
                do {
                    try await run(effect)
                } catch is CancellationError {
                    // Stopped by Esc (the state already says so) or replaced by a newer load.
                } catch {
                    inbox.post(.failed(Failure(effect.origin, Self.describe(error))))
                }
            }
            clientLoad.withLock { previous in
                previous?.cancel()
                previous = task
            }
        default:
            let counted = !Self.waitsOnOperator(effect)
            if counted { answering.withLock { $0 += 1 } }
            Task.detached { [self] in
                defer { if counted { answering.withLock { $0 -= 1 } } }
                do {
                    try await run(effect)
                } catch {
                    inbox.post(.failed(Failure(effect.origin, Self.describe(error))))
                }
            }
        }
    }

    /// Lets a rotation waiting on the show-once dialog finish, and stops long work, when the console closes.
    public func shutdown() {
        watch.withLock { $0?.stop() }
        gate.close()
        longWork.withLock { $0?.cancel() }
        clientLoad.withLock { $0?.cancel() }
    }

    static func describe(_ error: Error) -> String {
        (error as? ClienteleError)?.description ?? String(describing: error)
    }

    func run(_ effect: Effect) async throws {
        switch effect {
        case .loadHeader:
            inbox.post(.headerLoaded(try loadHeader()))
        case .loadClients(let firstPage, let all):
            let idps = try registry.identityProviders()
            let environments = try registry.environments()
            if let firstPage {
                let rows = try registry.consoleClientRows(limit: firstPage)
                inbox.post(.clientsLoaded(ClientIndex(rows: rows, identityProviders: idps, environments: environments,
                                                      complete: false)))
            }
            guard all else { return }
            let inbox = self.inbox
            let rows = try registry.consoleClientRows { done, total in
                inbox.post(.clientsLoading(done: done, total: total))
            }
            let index = ClientIndex(rows: rows, identityProviders: idps, environments: environments, complete: true)
            try Task.checkCancellation()
            inbox.post(.clientsLoaded(index))
        case .loadClientChanges(let revision):
            inbox.post(.clientsChanged(try registry.consoleClientChanges(since: revision).changes))
        case .loadDetail(let id):
            inbox.post(.detailLoaded(try registry.clientDetail(id)))
        case .loadExpiring(let window):
            let holders = try registry.identityProviders().filter { $0.kind == .gateway }.map(\.name)
            inbox.post(.expiringLoaded(try registry.expiringSecrets(within: window), gatewayHolders: Set(holders)))
            inbox.post(.expiringPoliciesLoaded(try service.policyForecasts()))
        case .loadMatrix:
            inbox.post(.matrixLoaded(try registry.policyMatrix()))
        case .loadRotations:
            inbox.post(.rotationsLoaded(try registry.rotations(includeFinished: true, limit: 500)))
        case .loadAudit(let query):
            inbox.post(.auditLoaded(try registry.auditEvents(mentioning: query, limit: 1000), query: query))
        case .verifyAudit:
            inbox.post(.auditVerified(try registry.verifyAuditTrail()))
        case .pollRevision:
            inbox.post(.revision(try registry.revision()))
        case .previewRotation(let id, let grace):
            let preview = try await service.preview(RotationRequest(client: "#\(id)", delivery: .terminal))
            inbox.post(.rotationPreviewed(preview, grace: grace))
        case .rotate(let request):
            let outcome = try await service.rotate(request, actor: actor, deliverer: deliverer)
            inbox.post(.rotationFinished(outcome))
        case .previewSecretRemoval(let id, let keyId):
            inbox.post(.secretRemovalPreviewed(try removal.preview(client: "#\(id)", keyId: keyId)))
        case .removeSecret(let id, let keyId):
            inbox.post(.secretRemoved(try await removal.remove(client: "#\(id)", keyId: keyId, actor: actor)))
        case .writeSecretFile(let secret, let path):
            try SecretFile.writeNew(secret, to: path)
            inbox.post(.secretFileWritten(path: path))
        case .planPolicy(let request):
            inbox.post(.policyPlanned(try registry.planPolicyChange(request), request))
        case .applyPolicy(let request):
            inbox.post(.policyApplied(try registry.applyPolicyChange(request, actor: actor)))
        case .advanceRotation(let id):
            let outcome = try await service.run(id, actor: actor, deliverer: deliverer)
            inbox.post(.progress(done: 1, total: 1, note: outcome.summary))
            inbox.post(.longWorkFinished(title: "Rotation #\(id)", lines: [outcome.summary]))
        case .endGrace(let id):
            // The dialog that led here showed the old secret's last use: that was the confirmation.
            try service.endGrace(id, actor: actor, confirmed: true)
            let outcome = try await service.run(id, actor: actor, deliverer: deliverer)
            inbox.post(.longWorkFinished(title: "Grace ended", lines: [outcome.summary]))
        case .inspectGateway(let environment):
            inbox.post(.gatewayInspected(try await gateways.inspect(environment: environment, actor: actor)))
        case .applyGateway(let environment, let plan):
            inbox.post(.longWorkFinished(title: "Applied in \(environment)", lines: try await applyGateway(environment, plan)))
        case .loadDrift:
            // What was last found is on screen at once; a failed registry read must not stop the gateways' read.
            do {
                inbox.post(.clientAppDriftRecorded(try registry.recordedGatewayAppDifferences()))
            } catch {
                inbox.post(.failed(Failure(effect.origin, Self.describe(error))))
            }
            async let policies = gateways.drift()
            async let apps = clientApps.drift(actor: actor)
            inbox.post(.driftLoaded(await policies))
            inbox.post(.clientAppDriftRead(await apps))
        case .adoptDifference(let environment, let difference):
            inbox.post(.longWorkFinished(title: "Adopted in \(environment)",
                                         lines: try await adopt(difference, in: environment)))
        case .acknowledgeSecret, .cancelLongWork, .advanceAll, .rotateMany, .cancelClientLoad:
            break
        }
    }

    /// Applies only the plan the operator confirmed: if the gateway's plan is another one now (someone changed
    /// the gateway or the registry meanwhile), nothing is applied and the operator is told to look again.
    func applyGateway(_ environment: String, _ confirmed: [String]) async throws -> [String] {
        let inbox = self.inbox
        let counts = StepCounts()
        let outcome = try await gateways.apply(
            environment: environment, actor: actor,
            confirm: { inspection, steps in
                guard GatewayApplyUpdate.planLines(inspection) == confirmed else {
                    throw ClienteleError.conflict(
                        "the plan for \(environment) changed since it was shown (the gateway or the registry changed meanwhile); nothing was applied: press a again to see the new plan")
                }
                counts.total.withLock { $0 = steps.count }
                return true
            },
            progress: { note in
                let count = counts.done.withLock { $0 += 1; return $0 }
                let steps = max(count, counts.total.withLock { $0 })
                inbox.post(.progress(done: count, total: steps, note: note))
            })
        guard let apply = outcome.apply else {
            return ["nothing to apply: the gateway already runs what the registry assigns in \(environment)"]
        }
        let gateway = (try? registry.environment(named: environment)).flatMap { try? registry.boundGateway(of: $0) }
        let mapping = try gateway.map { try gatewayAdapters.adapter(for: $0).mapping }
        func text(_ step: GatewayStep) -> String {
            mapping.flatMap { GatewayText.lines(for: step, mapping: $0).first } ?? "\(step.action.rawValue) \(step.element) on \(step.apiName)"
        }
        var lines = ["policy apply #\(apply.id ?? 0)\(outcome.resumed ? " (resumed)" : ""): \(outcome.performed.count) step(s) carried out"]
        lines += outcome.performed.map(text)
        lines += outcome.foundDone.map { "already in effect: " + text($0) }
        if let mapping, !outcome.leftAlone.isEmpty {
            lines.append("left alone (not Clientele's):")
            lines += outcome.leftAlone.compactMap { GatewayText.lines(for: $0, mapping: mapping).first }
        }
        return lines
    }

    /// Takes the gateway's side of one difference, as the gateway is now: a difference that has gone since the
    /// Drift screen read it adopts nothing.
    func adopt(_ difference: GatewayDifference, in environment: String) async throws -> [String] {
        let inspection = try await gateways.inspect(environment: environment, actor: actor)
        guard let current = inspection.differences.first(where: {
            $0.kind == difference.kind && $0.apiId == difference.apiId && $0.element == difference.element
        }) else {
            throw ClienteleError.conflict(
                "that difference in \(environment) (\(difference.element) on \(difference.apiName)) is gone since the gateways were read; nothing was adopted: ctrl-r reads them again")
        }
        let lines = try gateways.adopt([current], in: inspection, actor: actor)
        // Read back, so the matrix and the Drift screen show the registry's new view against the gateway.
        _ = try? await gateways.inspect(environment: environment, actor: actor)
        return lines.isEmpty ? ["nothing changed in the registry"] : lines
    }

    func loadHeader() throws -> HeaderInfo {
        let counts = try registry.consoleCounts()
        return HeaderInfo(
            registryPath: registry.path, identityProviders: try registry.identityProviders().map(\.name),
            environments: try registry.environments().map(\.name), clients: counts.clients,
            secretsInService: counts.secretsInService, openRotations: counts.openRotations)
    }

    /// Advances open rotations one by one, reporting each, and stops between rotations when cancelled.
    /// A marked set: one progress step per client, then the summary.
    func rotateMany(_ request: BulkRotationRequest) async {
        let inbox = self.inbox
        let total = request.clientRowIds.count
        do {
            let report = try await BulkRotation(service: service, registry: registry).run(
                request, actor: actor, deliverer: deliverer,
                progress: { step in
                    inbox.post(.progress(done: step.finished, total: total,
                                         note: "\(step.latest.client.displayName) \(step.latest.status.word)"))
                })
            inbox.post(.bulkRotationFinished(report))
        } catch {
            inbox.post(.failed(Failure(.change, Self.describe(error))))
        }
    }

    func advanceAll() async {
        do {
            let open = try registry.rotations(includeFinished: false, limit: 10_000).compactMap(\.rotation.id)
            var lines: [String] = []
            for (done, id) in open.enumerated() {
                if Task.isCancelled {
                    lines.append("cancelled after \(done) of \(open.count)")
                    break
                }
                inbox.post(.progress(done: done, total: open.count, note: "rotation #\(id)"))
                do {
                    lines.append(try await service.run(id, actor: actor, deliverer: deliverer).summary)
                } catch {
                    lines.append("rotation #\(id): \(Self.describe(error))")
                }
            }
            inbox.post(.progress(done: open.count, total: open.count, note: ""))
            inbox.post(.longWorkFinished(
                title: "Advance all", lines: open.isEmpty ? ["no open rotations"] : lines))
        } catch {
            inbox.post(.failed(Failure(.change, Self.describe(error))))
        }
    }
}

/// Steps planned and steps reported so far, for an apply's progress bar.
private final class StepCounts: Sendable {
    let total = Mutex(0)
    let done = Mutex(0)
}
