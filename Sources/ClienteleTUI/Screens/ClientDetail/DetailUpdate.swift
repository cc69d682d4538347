import ClienteleCore

/// A client's page: its load, and removing the selected secret.
enum DetailUpdate {
    static func loaded(_ state: inout AppState, _ detail: ClientDetail) -> [Effect] {
        guard detail.client.id == state.detail.clientRowId else { return [] }
        state.detail.detail = detail
        state.detail.cursor.clamp(count: detail.secrets.count, page: Layout.tableRows(state.size))
        return []
    }

    /// The selected secret to remove, or nil with the reason on the status line.
    static func removalTarget(_ state: inout AppState) -> (clientRowId: Int64, keyId: String)? {
        let secrets = state.detail.detail?.secrets ?? []
        guard let id = state.detail.clientRowId, state.detail.cursor.selected < secrets.count else { return nil }
        let secret = secrets[state.detail.cursor.selected]
        if secret.state == .removed {
            state.status = StatusLine("secret \(secret.hint)… is already removed")
            return nil
        }
        return (id, secret.keyId)
    }
}
