import Foundation

extension RotationService {
    /// Validates a policy against every IdP it covers, then records it. Returns notes for the operator: clients
    /// the policy leaves to a person (an IdP that keeps one secret per client).
    @discardableResult
    public func setRotationPolicy(_ request: RotationPolicyRequest, actor: String) throws
        -> (RotationPolicyListing, notes: [String])
    {
        let command = request.secretCommand.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !command.isEmpty else {
            throw ClienteleError.invalidInput("--secret-command is empty: a schedule needs a command to deliver each new secret")
        }
        var notes: [String] = []
        for idp in try registry.identityProviders(coveredBy: request.scope) {
            let capabilities = try adapters.adapter(for: idp).capabilities
            guard capabilities.allowsOverlap else {
                if case .identityProvider = request.scope {
                    throw ClienteleError.invalidInput(
                        "--idp \(idp.name): \(idp.holderLabel) keeps one secret per client, so a scheduled rotation would cut its callers off with nobody watching; rotate its clients with `clientele rotate`")
                }
                notes.append(
                    "clients of \(request.scope) at \(idp.holderLabel) are left to an operator: it keeps one secret per client, so a rotation would cut their callers off")
                continue
            }
            // A new secret that is due the moment it is made would be rotated on every run.
            let lifetime = try Self.lifetime(nil, defaults: defaults, idp: idp, capabilities: capabilities)
            if request.rotateBefore.timeInterval >= lifetime {
                throw ClienteleError.invalidInput(
                    "--rotate-before \(request.rotateBefore) is not shorter than the lifetime \(idp.holderLabel) gives a new secret (\(DurationText(seconds: Int64(lifetime)))): every new secret would be due at once")
            }
            let grace = try Self.grace(request.grace, defaults: defaults, idp: idp, capabilities: capabilities)
            if grace.seconds >= request.rotateBefore.seconds {
                let source = request.grace == nil ? "the configuration's rotation.grace (\(grace))" : "--grace \(grace)"
                throw ClienteleError.invalidInput(
                    "\(source) is not shorter than --rotate-before \(request.rotateBefore): the old secret would expire before its grace period ended")
            }
            if let maxAge = request.maxAge, maxAge.seconds <= grace.seconds {
                throw ClienteleError.invalidInput(
                    "--max-age \(maxAge) is not longer than the grace period (\(grace)): each new secret would be due before the old one is retired")
            }
        }
        var cleaned = request
        cleaned.secretCommand = command
        return (try registry.setRotationPolicy(cleaned, actor: actor), notes)
    }
}

extension IdentityProviderAdapters {
    /// The IdPs that keep one secret per client, which no schedule rotates. An IdP whose adapter cannot be made
    /// here (a credential not configured) counts as keeping several: `rotations advance` finds out for certain.
    public func oneSecretIdentityProviders(_ idps: [IdentityProvider]) -> Set<Int64> {
        Set(idps.filter { (try? adapter(for: $0))?.capabilities.allowsOverlap == false }.compactMap(\.id))
    }
}

extension RotationService {
    /// `Registry.policyForecasts`, with the clients of IdPs that keep one secret marked left to an operator.
    public func policyForecasts() throws -> [Int64: PolicyForecast] {
        guard try !registry.rotationPolicies().isEmpty else { return [:] }
        return try registry.policyForecasts(oneSecretIdPs: adapters.oneSecretIdentityProviders(registry.identityProviders()))
    }
}
