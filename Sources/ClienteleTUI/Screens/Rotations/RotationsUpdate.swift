import ClienteleCore

/// Rotations: the load, advancing one or all, and ending a grace period early.
enum RotationsUpdate {
    static func loaded(_ state: inout AppState, _ listings: [RotationListing]) -> [Effect] {
        state.rotations.listings = listings
        state.rotations.loaded = true
        state.rotations.cursor.clamp(count: listings.count, page: Layout.tableRows(state.size))
        return []
    }

    static func advance(_ state: inout AppState) -> [Effect] {
        guard let listing = state.rotations.selected, listing.rotation.isOpen else {
            state.status = StatusLine("select an open rotation to advance")
            return []
        }
        state.modal = .progress(ProgressState(title: "Advancing rotation #\(listing.rotation.id ?? 0)", total: 1))
        return [.advanceRotation(listing.rotation.id ?? 0)]
    }

    static func advanceAll(_ state: inout AppState) -> [Effect] {
        state.modal = .progress(ProgressState(title: "Advancing all open rotations"))
        return [.advanceAll]
    }

    static func endGrace(_ state: inout AppState) -> [Effect] {
        guard let listing = state.rotations.selected, listing.rotation.step == .grace, let id = listing.rotation.id
        else {
            state.status = StatusLine("select a rotation in its grace period")
            return []
        }
        var lines = ["The old secret of \(listing.clientName) is removed at the IdP now.",
                     "Callers still using it will fail."]
        if let use = listing.retiringUse {
            lines.append("Old secret \(use.keyId.prefix(8)) was last used \(ElapsedText.since(use.at, now: state.now)),")
            lines.append("after the new secret was delivered: a caller has not switched.")
        }
        state.modal = .confirm(ConfirmState(
            title: "End the grace period of rotation #\(id)?", lines: lines,
            confirmLabel: "End grace", onConfirm: [.endGrace(id)]))
        return []
    }

    static func open(_ state: inout AppState) -> [Effect] {
        guard let listing = state.rotations.selected else { return [] }
        return ConsoleUpdate.openDetail(&state, listing.rotation.clientRowId)
    }
}
