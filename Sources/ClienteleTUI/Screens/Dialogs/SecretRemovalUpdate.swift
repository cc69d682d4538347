import ClienteleCore

/// Removing a secret at the IdP: ask the core what it means, confirm with Cancel first, report what is left.
enum SecretRemovalUpdate {
    /// Asks the core what removing the selected secret means; the confirmation opens when the answer comes back.
    static func start(_ state: inout AppState) -> [Effect] {
        let target: (clientRowId: Int64, keyId: String)?
        switch state.screen {
        case .detail: target = DetailUpdate.removalTarget(&state)
        case .expiring: target = ExpiringUpdate.removalTarget(&state)
        default: target = nil
        }
        guard let target else { return [] }
        state.status = StatusLine("checking what removing it means…")
        return [.previewSecretRemoval(clientRowId: target.clientRowId, keyId: target.keyId)]
    }

    static func previewed(_ state: inout AppState, _ preview: SecretRemoval.Preview) -> [Effect] {
        state.status = nil
        guard state.modal == nil else { return [] }
        state.modal = .confirm(ConfirmState(
            title: "Remove secret \(preview.secret.hint)… of \(preview.client.displayName)?",
            lines: preview.consequences + ["This cannot be undone. To replace a secret without an outage, rotate (r)."],
            confirmLabel: "Remove", onConfirm: [.removeSecret(clientRowId: preview.client.id ?? 0, keyId: preview.secret.keyId)]))
        return []
    }

    static func removed(_ state: inout AppState, _ removed: SecretRemoval.Preview) -> [Effect] {
        state.modal = nil
        let left = removed.remainingLive
        state.status = StatusLine(
            "removed secret \(removed.secret.hint)… of \(removed.client.displayName) at \(removed.identityProvider.name); \(left) working secret\(left == 1 ? "" : "s") left",
            kind: left == 0 ? .error : .success)
        return ConsoleUpdate.reloadAfterChange(state)
    }
}
