import Foundation

/// What `rotations advance` did about one client a policy made due.
public enum PolicyRotationStart: Sendable {
    /// Planned, delivery by the policy's command; the advance that follows drives it.
    case started(rotationId: Int64, client: Client, policy: RotationPolicyListing, reason: PolicyForecast.Reason)
    /// Due, but a rotation would need an operator (an IdP that keeps one secret per client, a grace of 0).
    case leftToOperator(client: Client, policy: RotationPolicyListing, why: String)
    case failed(client: Client?, policy: RotationPolicyListing, error: ClienteleError)
}

extension RotationService {
    /// Plans a rotation for every client its governing policy makes due now and that has no open rotation.
    /// Parallel runs are safe: the registry keeps one open rotation per client, so the run that plans second
    /// finds the first one's rotation and starts nothing.
    public func startPolicyRotations(actor: String) async throws -> [PolicyRotationStart] {
        let now = registry.clock.now
        let due = try registry.policyForecasts().filter { $0.value.isDue(at: now) }
            .sorted { ($0.value.dueAt, $0.key) < ($1.value.dueAt, $1.key) }
        var results: [PolicyRotationStart] = []
        for (clientRowId, forecast) in due {
            if let result = await start(clientRowId, forecast: forecast, cronActor: actor) { results.append(result) }
        }
        return results
    }

    private func start(_ clientRowId: Int64, forecast: PolicyForecast, cronActor: String) async -> PolicyRotationStart? {
        let policy = forecast.policy
        var client: Client?
        do {
            client = try registry.client(rowId: clientRowId)
            let idp = try registry.identityProvider(id: client!.identityProviderId)
            guard try adapters.adapter(for: idp).capabilities.allowsOverlap else {
                return .leftToOperator(
                    client: client!, policy: policy,
                    why: "\(idp.holderLabel) keeps one secret per client, so a rotation would cut its callers off; rotate it with `clientele rotate`")
            }
            let request = RotationRequest(
                client: "#\(clientRowId)", grace: policy.policy.graceSeconds.map(DurationText.init(seconds:)),
                delivery: .command(policy.policy.secretCommand))
            let preview = try await preview(request)
            // Another run planned one since the forecast was read.
            if preview.resuming != nil { return nil }
            if let reason = preview.confirmationReason { return .leftToOperator(client: client!, policy: policy, why: reason) }
            let details = ["policy": policy.scope.description, "reason": forecast.reason.text, "startedBy": cronActor]
            let rotation: Rotation
            do {
                rotation = try plan(preview, delivery: .command(policy.policy.secretCommand), actor: policy.actor,
                                    policy: (policy.policy.id!, details))
            } catch is OpenRotationExists {
                // A parallel run got there first.
                return nil
            }
            FencedLease(.rotation(rotation.id!), owner: leaseOwner, registry: registry, term: leaseTerm).release()
            return .started(rotationId: rotation.id!, client: client!, policy: policy, reason: forecast.reason)
        } catch {
            let failure = error as? ClienteleError ?? .identityProvider(String(describing: error))
            return .failed(client: client, policy: policy, error: failure)
        }
    }
}
