import ClienteleCore

/// The rotate dialog: opening it on the client the operator means, its preview, its keys, and what the rotation's
/// end shows.
enum RotateDialogUpdate {
    static func start(_ state: inout AppState) -> [Effect] {
        if state.screen == .expiring, ExpiringUpdate.refusesRotation(&state) { return [] }
        if state.screen == .clients, state.clients.marked.count > 1 {
            state.modal = .rotate(RotateDialogState(
                clientRowIds: ClientsUpdate.markedInOrder(state), grace: state.configuration.defaultGrace,
                lifetime: state.configuration.defaultLifetime))
            return []
        }
        if state.screen == .clients, let only = state.clients.marked.first {
            let grace = state.configuration.defaultGrace
            state.modal = .rotate(RotateDialogState(
                clientRowId: only, clientName: ConsoleUpdate.currentClientName(state, only), grace: grace,
                lifetime: state.configuration.defaultLifetime))
            return [.previewRotation(clientRowId: only, grace: grace)]
        }
        guard let id = ConsoleUpdate.currentClientRowId(state) else {
            state.status = StatusLine("select a client to rotate")
            return []
        }
        let grace = state.configuration.defaultGrace
        state.modal = .rotate(RotateDialogState(
            clientRowId: id, clientName: ConsoleUpdate.currentClientName(state, id), grace: grace,
            lifetime: state.configuration.defaultLifetime))
        return [.previewRotation(clientRowId: id, grace: grace)]
    }

    static func previewed(_ state: inout AppState, _ preview: RotationPreview) -> [Effect] {
        guard case .rotate(var dialog) = state.modal, dialog.clientRowId == preview.client.id else { return [] }
        dialog.preview = preview
        // Where the IdP keeps one secret there is no grace to set: the focus starts on delivery instead.
        if !dialog.offersGrace && dialog.focus == .grace { dialog.focus = .delivery }
        state.modal = .rotate(dialog)
        return []
    }

    static func finished(_ state: inout AppState, _ outcome: RotationOutcome) -> [Effect] {
        let failed: Bool
        if case .failed = outcome.status { failed = true } else { failed = false }
        state.modal = .message(MessageState(
            title: failed ? "Rotation failed" : "Rotation", lines: [outcome.summary], isError: failed))
        state.status = StatusLine(outcome.summary, kind: failed ? .error : .success)
        return ConsoleUpdate.reloadAfterChange(state)
    }

    static func handleKey(_ state: inout AppState, _ dialog: inout RotateDialogState, _ key: KeyEvent) -> [Effect] {
        defer { if case .rotate = state.modal { state.modal = .rotate(dialog) } }
        switch state.keymap.dialogCommand(for: key, in: .rotate) {
        case .close?:
            state.modal = nil
            return []
        case .nextField?:
            dialog.moveFocus(1)
            return []
        case .previousField?:
            dialog.moveFocus(-1)
            return []
        case .submit?:
            if dialog.focus == .cancel {
                state.modal = nil
                return []
            }
            return submit(&state, &dialog)
        default:
            break
        }
        switch dialog.focus {
        case .grace:
            if dialog.grace.handle(key) { dialog.error = dialog.parsedGrace == nil
                ? "grace '\(dialog.grace.text)' is not \(DurationText.formatHint)" : nil }
        case .target:
            if dialog.target.handle(key) { dialog.error = nil }
        case .delivery:
            let count = RotateDialogState.Delivery.allCases.count
            switch state.keymap.dialogCommand(for: key, in: .choice) {
            case .nextChoice?:
                dialog.delivery = .init(rawValue: (dialog.delivery.rawValue + 1) % count)!
            case .previousChoice?:
                dialog.delivery = .init(rawValue: (dialog.delivery.rawValue + count - 1) % count)!
            default: break
            }
        case .rotate, .cancel:
            switch state.keymap.dialogCommand(for: key, in: .choice) {
            case .nextChoice?, .previousChoice?: dialog.focus = dialog.focus == .rotate ? .cancel : .rotate
            default: break
            }
        }
        return []
    }

    static func submit(_ state: inout AppState, _ dialog: inout RotateDialogState) -> [Effect] {
        if dialog.isSet { return submitSet(&state, &dialog) }
        guard dialog.preview != nil else {
            dialog.error = "still reading the client's secrets…"
            return []
        }
        switch dialog.request(confirmed: false) {
        case .failure(let problem):
            dialog.error = problem.text
            return []
        case .success(var request):
            if let reason = dialog.noOverlapReason {
                request.confirmed = true
                state.modal = .confirm(ConfirmState(
                    title: "Rotate \(dialog.clientName) without overlap?",
                    lines: [reason, "Callers fail until they have the new secret."],
                    confirmLabel: "Rotate anyway", onConfirm: [.rotate(request)]))
                return []
            }
            state.modal = .progress(ProgressState(title: "Rotating \(dialog.clientName)…"))
            return [.rotate(request)]
        }
    }

    /// A marked set: one more confirmation naming how many clients, then the whole set through one effect.
    static func submitSet(_ state: inout AppState, _ dialog: inout RotateDialogState) -> [Effect] {
        switch dialog.setRequest() {
        case .failure(let problem):
            dialog.error = problem.text
            return []
        case .success(let request):
            let count = request.clientRowIds.count
            let destination: String
            switch request.delivery {
            case .directory(let folder): destination = "each to a new 0600 file in \(folder)"
            case .command(let command):
                destination = "each piped to `\(command.split(separator: " ").first.map(String.init) ?? command)`"
            case .showOnce: destination = "shown once"
            }
            state.modal = .confirm(ConfirmState(
                title: "Rotate \(count) clients?",
                lines: ["Each gets a new secret at its IdP, delivered \(destination).",
                        "Old secrets stay valid for the grace period, except where the IdP keeps one secret."],
                confirmLabel: "Rotate \(count)", onConfirm: [.rotateMany(request)]))
            return []
        }
    }

    /// The set's summary: the tally, then every client that did not rotate, with its reason.
    static func setFinished(_ state: inout AppState, _ report: BulkRotationReport) -> [Effect] {
        var lines = [report.tally + "."]
        for result in report.results {
            switch result.status {
            case .rotated: continue
            case .waiting(let reason): lines.append("waiting  \(result.client.displayName): \(reason)")
            case .failed(let reason): lines.append("failed   \(result.client.displayName): \(reason)")
            }
        }
        if !report.allRotated { lines.append("`rotations advance` (A on Rotations) or r again finishes the rest.") }
        state.modal = .message(MessageState(title: "Rotated a set", lines: lines, isError: !report.allRotated))
        state.status = StatusLine(report.tally, kind: report.allRotated ? .success : .error)
        state.clients.marked = []
        return ConsoleUpdate.reloadAfterChange(state)
    }
}
