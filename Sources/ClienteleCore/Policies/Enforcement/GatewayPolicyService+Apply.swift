import Foundation

/// What an apply did.
public struct PolicyApplyOutcome: Sendable {
    public var apply: PolicyApply?
    /// Steps carried out by this run (a resumed run counts only its own).
    public var performed: [GatewayStep]
    /// Steps found already in effect on resume (the process that sent them died before recording them).
    public var foundDone: [GatewayStep]
    /// What apply leaves alone: elements at the gateway that Clientele does not manage.
    public var leftAlone: [GatewayDifference]
    public var resumed: Bool
}

extension GatewayPolicyService {
    /// Makes the gateway match the registry for one environment. Resumes the environment's unfinished apply if
    /// there is one: its steps already done stay done, the one that was running is checked at the gateway (and
    /// counted done if it took effect), and what is still to do is planned afresh from the gateway as it is now,
    /// so no change is made twice. `confirm` sees the plan (in the gateway's terms) and may refuse it.
    public func apply(
        environment name: String, actor: String,
        confirm: @Sendable (GatewayInspection, [GatewayStep]) async throws -> Bool = { _, _ in true },
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> PolicyApplyOutcome {
        let inspection = try await inspect(environment: name)
        let environment = inspection.environment
        let gateway = inspection.gateway
        let adapter = try gateways.adapter(for: gateway)
        let open = try registry.openPolicyApply(environmentId: environment.id!)
        let steps = inspection.steps
        if open == nil {
            if steps.isEmpty {
                return PolicyApplyOutcome(apply: nil, performed: [], foundDone: [], leftAlone: inspection.leftAlone,
                                          resumed: false)
            }
            guard try await confirm(inspection, steps) else {
                throw ClienteleError.confirmationRequired("apply to \(environment.name) cancelled; nothing changed")
            }
        }
        let (claim, resumed) = try registry.startPolicyApply(
            environment: environment, gateway: gateway, steps: steps, actor: actor, owner: leaseOwner,
            holder: .current, term: leaseTerm,
            mayTakeOver: { holder in holder?.isProvablyGone() ?? false })
        guard case .claimed(let started) = claim else {
            if case .held(let holder, let apply) = claim {
                throw ClienteleError.conflict(
                    "policy apply #\(apply.id!) for \(environment.name) is in progress in another Clientele process (\(holder?.description ?? "unknown")); wait for it, or run `clientele policy apply --env \(environment.name)` again later to resume it")
            }
            throw ClienteleError.conflict("policy apply for \(environment.name) could not be claimed")
        }
        let lease = FencedLease(.policyApply(started.id!), owner: leaseOwner, registry: registry, term: leaseTerm)
        lease.keepRenewed()
        defer { lease.release() }
        let journal = PolicyApplyJournal(registry: registry, lease: lease, environment: environment, gateway: gateway)
        var foundDone: [GatewayStep] = []
        var apply = started
        if resumed {
            (apply, foundDone) = try replan(apply, against: inspection, journal: journal)
            progress("resuming policy apply #\(apply.id!) for \(environment.name): \(apply.steps.filter { $0.state == .done }.count) of \(apply.steps.count) steps done")
        }
        var performed: [GatewayStep] = []
        var occurrence = 0
        do {
            while let index = apply.nextStepIndex {
                let step = apply.steps[index].step
                occurrence += 1
                // Marking it running renews the lease inside the same fenced write: no separate confirm needed.
                try journal.mark(step: index, .running)
                apply.steps[index].state = .running
                let result = try await adapter.perform(step, in: inspection.scope)
                FaultPoint.hit(.afterGatewayStep, occurrence: occurrence)
                try journal.mark(step: index, .done, remoteId: result?.remoteId, action: "policy.step-applied",
                                 details: Self.auditDetails(step))
                apply.steps[index].state = .done
                apply.steps[index].remoteId = result?.remoteId
                FaultPoint.hit(.afterGatewayStepRecorded, occurrence: occurrence)
                performed.append(step)
                GatewayText.lines(for: step, mapping: inspection.mapping).prefix(1).forEach(progress)
            }
            let wanted = inspection.desired
            let steps = apply.steps
            apply = try journal.record(
                action: "policy.applied",
                details: ["steps": String(apply.steps.count), "performed": String(performed.count)]
            ) {
                $0.state = .done
                $0.appliedElements = wanted
            }
            apply.steps = steps
        } catch let lost as LeaseLost {
            throw ClienteleError.conflict(
                "\(lost.record) for \(environment.name): another Clientele process (\(lost.holder)) took it over; this one stopped before its next step and changed nothing more")
        } catch {
            let message = (error as? ClienteleError)?.description ?? String(describing: error)
            _ = try? journal.record { $0.lastError = message }
            throw ClienteleError.gateway(
                "policy apply #\(apply.id!) for \(environment.name) stopped after \(apply.steps.filter { $0.state == .done }.count) of \(apply.steps.count) steps: \(message). Nothing done is lost: fix the cause and run `clientele policy apply --env \(environment.name)` again to resume")
        }
        // Read back what the gateway runs now, so the matrix shows the result.
        _ = try? await inspect(environment: environment.name)
        return PolicyApplyOutcome(apply: apply, performed: performed, foundDone: foundDone,
                                  leftAlone: inspection.leftAlone, resumed: resumed)
    }

    /// A resumed apply: steps not yet done are compared with a fresh plan. A step whose change is already at the
    /// gateway (it was sent before the process died) is done; one no longer needed is dropped; what the fresh plan
    /// adds is appended. Done steps are never sent again.
    private func replan(_ apply: PolicyApply, against inspection: GatewayInspection, journal: PolicyApplyJournal)
        throws -> (PolicyApply, [GatewayStep])
    {
        let fresh = inspection.steps
        func key(_ step: GatewayStep) -> String { "\(step.action.rawValue) \(step.apiId ?? "") \(step.element)" }
        let freshKeys = Set(fresh.map(key))
        var foundDone: [GatewayStep] = []
        var kept: [RecordedStep] = []
        for recorded in apply.steps {
            if recorded.state == .done || freshKeys.contains(key(recorded.step)) {
                kept.append(recorded)
            } else if recorded.state == .running {
                foundDone.append(recorded.step)
                kept.append(RecordedStep(step: recorded.step, state: .done, remoteId: recorded.remoteId))
            }
        }
        // A fresh step replaces the recorded one of the same key (its fields may have changed since).
        let pendingKeys = Set(kept.filter { $0.state != .done }.map { key($0.step) })
        var merged = kept.map { recorded -> RecordedStep in
            guard recorded.state != .done, let replacement = fresh.first(where: { key($0) == key(recorded.step) })
            else { return recorded }
            return RecordedStep(step: replacement)
        }
        // What the fresh plan still wants beyond that is a change the gateway needs now (even where a done step
        // once made it, something has changed it back since): a new step, not a repeat.
        for step in fresh where !pendingKeys.contains(key(step)) {
            merged.append(RecordedStep(step: step))
        }
        // A reload still to do goes after every write still to do.
        let reconciled = merged.filter { $0.state == .done || $0.step.action != .reload }
            + merged.filter { $0.state != .done && $0.step.action == .reload }
        try journal.replaceSteps(
            reconciled, action: foundDone.isEmpty ? nil : "policy.step-found-applied",
            details: ["steps": foundDone.map { key($0) }.joined(separator: "; ")])
        var updated = apply
        updated.steps = reconciled
        return (updated, foundDone)
    }

    static func auditDetails(_ step: GatewayStep) -> [String: String] {
        var details = ["step": step.action.rawValue, "element": step.element]
        if !step.apiName.isEmpty { details["api"] = step.apiName }
        if let kind = step.desired?.kind ?? step.current?.kind { details["policy"] = kind.rawValue }
        if !step.changes.isEmpty { details["fields"] = step.changes.map(\.path).joined(separator: ",") }
        return details
    }
}
