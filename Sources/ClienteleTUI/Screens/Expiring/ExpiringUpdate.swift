import ClienteleCore

/// Expiring secrets: the load, where Enter goes, and which secret `x` and `r` mean.
enum ExpiringUpdate {
    static func loaded(_ state: inout AppState, _ secrets: [ExpiringSecret], gatewayHolders: Set<String> = [])
        -> [Effect]
    {
        state.expiring.gatewayHolders = gatewayHolders
        state.expiring.load(secrets, now: state.now, thresholds: state.thresholds, page: Layout.tableRows(state.size))
        return []
    }

    static func open(_ state: inout AppState) -> [Effect] {
        guard let secret = state.expiring.selected else { return [] }
        guard let id = secret.clientRowId else {
            state.status = StatusLine("Clientele's own admin credential at \(secret.identityProvider): renew it at the IdP, then `clientele idp` records it")
            return []
        }
        return ConsoleUpdate.openDetail(&state, id)
    }

    static func removalTarget(_ state: inout AppState) -> (clientRowId: Int64, keyId: String)? {
        guard let secret = state.expiring.selected else { return nil }
        guard let id = secret.clientRowId, let keyId = secret.keyId else {
            state.status = StatusLine("\(secret.client) is Clientele's own admin credential: it is managed at the IdP")
            return nil
        }
        return (id, keyId)
    }

    /// Clientele's own admin credential is renewed at the IdP: there is nothing to rotate here.
    static func refusesRotation(_ state: inout AppState) -> Bool {
        guard let secret = state.expiring.selected, secret.clientRowId == nil else { return false }
        state.status = StatusLine("\(secret.client) is renewed at the IdP, not rotated here")
        return true
    }
}
