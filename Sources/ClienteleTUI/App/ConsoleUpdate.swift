import ClienteleCore
import Foundation

/// The console's one update function: state + action → next state and the effects to run. Pure apart from the
/// `inout` state, so every behaviour is testable without a terminal or a database.
public enum ConsoleUpdate {
    /// What to load when the console opens.
    public static func start(_ state: AppState) -> [Effect] {
        [.loadHeader, .loadClients(firstPage: firstPageSize(state), all: true), .pollRevision]
    }

    public static func update(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return handleKey(&state, key)
        case .resized(let size):
            state.size = size
            clampAll(&state)
            return []
        case .tick(let date):
            state.now = date
            return [.pollRevision]
        case .revision(let revision):
            defer { state.revision = revision }
            guard let known = state.revision, known != revision else { return [] }
            // Someone changed the registry (a CLI rotation, cron): reload what is on screen.
            return reloadAfterChange(state)
        case .headerLoaded(let header):
            state.header = header
            return []
        case .clientsLoaded(let index):
            state.clients.load(index, page: Layout.tableRows(state.size))
            return []
        case .clientsLoading(let done, let total):
            if state.clients.isLoadingRest { state.clients.loadProgress = Double(done) / Double(max(total, 1)) }
            return []
        case .detailLoaded(let detail):
            guard detail.client.id == state.detail.clientRowId else { return [] }
            state.detail.detail = detail
            state.detail.cursor.clamp(count: detail.secrets.count, page: Layout.tableRows(state.size))
            return []
        case .expiringLoaded(let secrets):
            state.expiring.load(secrets, now: state.now, thresholds: state.thresholds, page: Layout.tableRows(state.size))
            return []
        case .matrixLoaded(let environments, let assignments):
            state.matrix.environments = environments
            state.matrix.assignments = assignments
            state.matrix.loaded = true
            state.matrix.clamp()
            return []
        case .rotationsLoaded(let listings):
            state.rotations.listings = listings
            state.rotations.loaded = true
            state.rotations.cursor.clamp(count: listings.count, page: Layout.tableRows(state.size))
            return []
        case .auditLoaded(let events, let query):
            // Loads run side by side as the operator types; an answer for an older filter text is stale.
            guard query == state.audit.filter.text else { return [] }
            state.audit.events = events
            state.audit.loadedQuery = query
            state.audit.cursor.clamp(count: events.count, page: Layout.tableRows(state.size))
            return []
        case .auditVerified(let verification):
            state.audit.verification = verification
            switch verification {
            case .intact(let events):
                state.status = StatusLine("audit trail intact: \(events) events verified", kind: .success)
            case .broken(let eventId, _, let reason):
                state.status = StatusLine("audit trail broken at #\(eventId): \(reason)", kind: .error)
            }
            return []
        case .rotationPreviewed(let preview, _):
            guard case .rotate(var dialog) = state.modal, dialog.clientRowId == preview.client.id else { return [] }
            dialog.preview = preview
            // Where the IdP keeps one secret there is no grace to set: the focus starts on delivery instead.
            if !dialog.offersGrace && dialog.focus == .grace { dialog.focus = .delivery }
            state.modal = .rotate(dialog)
            return []
        case .secretReady(let secret, let clientName):
            state.modal = .secret(SecretRevealState(clientName: clientName, secret: secret))
            return []
        case .secretFileWritten(let path):
            if case .secret(var reveal) = state.modal {
                reveal.writtenTo = path
                reveal.path = nil
                reveal.error = nil
                state.modal = .secret(reveal)
            }
            return []
        case .rotationFinished(let outcome):
            let failed: Bool
            if case .failed = outcome.status { failed = true } else { failed = false }
            state.modal = .message(MessageState(
                title: failed ? "Rotation failed" : "Rotation", lines: [outcome.summary], isError: failed))
            state.status = StatusLine(outcome.summary, kind: failed ? .error : .success)
            return reloadAfterChange(state)
        case .secretRemovalPreviewed(let preview):
            state.status = nil
            guard state.modal == nil else { return [] }
            state.modal = .confirm(ConfirmState(
                title: "Remove secret \(preview.secret.hint)… of \(preview.client.displayName)?",
                lines: preview.consequences + ["This cannot be undone. To replace a secret without an outage, rotate (r)."],
                confirmLabel: "Remove", onConfirm: [.removeSecret(clientRowId: preview.client.id ?? 0, keyId: preview.secret.keyId)]))
            return []
        case .secretRemoved(let removed):
            state.modal = nil
            let left = removed.remainingLive
            state.status = StatusLine(
                "removed secret \(removed.secret.hint)… of \(removed.client.displayName) at \(removed.identityProvider.name); \(left) working secret\(left == 1 ? "" : "s") left",
                kind: left == 0 ? .error : .success)
            return reloadAfterChange(state)
        case .policyPlanned(let plan, let request):
            let destructive: Bool
            if case .remove = plan.change { destructive = true } else { destructive = false }
            state.modal = .plan(PlanPreviewState(
                title: destructive ? "Unassign \(request.policy.rawValue) from \(plan.environment.name)?"
                    : "Plan for \(plan.environment.name)",
                lines: plan.lines, request: request, destructive: destructive))
            return []
        case .policyApplied(let plan):
            state.modal = nil
            state.status = StatusLine(plan.lines.first ?? "applied", kind: .success)
            return reloadAfterChange(state)
        case .progress(let done, let total, let note):
            if case .progress(var progress) = state.modal {
                progress.done = done
                progress.total = total
                progress.note = note
                state.modal = .progress(progress)
            }
            return []
        case .longWorkFinished(let title, let lines):
            state.modal = .message(MessageState(title: title, lines: lines))
            state.status = StatusLine(lines.first ?? title, kind: .success)
            return reloadAfterChange(state)
        case .failed(let failure):
            return fail(&state, failure)
        }
    }

    /// A failure goes to the dialog whose request failed, and only there; anything else reads it on the status line.
    static func fail(_ state: inout AppState, _ failure: Failure) -> [Effect] {
        let message = failure.message
        switch (failure.origin, state.modal) {
        case (.rotationPreview(let id), .rotate(var dialog)) where dialog.clientRowId == id:
            dialog.error = message
            state.modal = .rotate(dialog)
        case (.policyPlan, .policyForm(var form)):
            form.error = message
            state.modal = .policyForm(form)
        case (.secretFile, .secret(var reveal)):
            reveal.error = message
            state.modal = .secret(reveal)
        case (.change, .progress), (.change, .plan), (.change, .confirm):
            state.modal = .message(MessageState(title: "Error", lines: [message], isError: true))
        default:
            state.status = StatusLine(message, kind: .error)
        }
        return []
    }

    /// After a write: header, clients and whatever screen is open.
    static func reloadAfterChange(_ state: AppState) -> [Effect] {
        [.loadHeader, reloadClients(state)] + loadEffects(for: state.screen, state: state)
    }

    static func firstPageSize(_ state: AppState) -> Int { max(Layout.tableRows(state.size), 60) }

    /// The whole index again, or only the first page while the operator has stopped loading it.
    static func reloadClients(_ state: AppState) -> Effect {
        state.clients.loadStopped ? .loadClients(firstPage: firstPageSize(state), all: false)
            : .loadClients(firstPage: nil, all: true)
    }

    static func loadEffects(for screen: ScreenID, state: AppState) -> [Effect] {
        switch screen {
        case .clients: return []
        case .detail: return state.detail.clientRowId.map { [.loadDetail($0)] } ?? []
        case .expiring: return [.loadExpiring(within: state.thresholds.notice)]
        case .matrix: return [.loadMatrix]
        case .rotations: return [.loadRotations]
        case .audit: return [.loadAudit(query: state.audit.filter.text)]
        }
    }

    static func clampAll(_ state: inout AppState) {
        let page = Layout.tableRows(state.size)
        state.clients.cursor.clamp(count: state.clients.visible.count, page: page)
        state.detail.cursor.clamp(count: state.detail.detail?.secrets.count ?? 0, page: page)
        state.expiring.cursor.clamp(count: state.expiring.rows.count, page: page)
        state.rotations.cursor.clamp(count: state.rotations.listings.count, page: page)
        state.audit.cursor.clamp(count: state.audit.events.count, page: page)
    }

    // MARK: - Keys

    static func handleKey(_ state: inout AppState, _ key: KeyEvent) -> [Effect] {
        if key == .resize { return [] }
        if key == .control("c") {
            state.quitting = true
            return []
        }
        if Layout.isTooSmall(state.size) {
            // Below the minimum only quitting works: nothing else could be seen to happen.
            if key == .character("q") { state.quitting = true }
            return []
        }
        if state.modal != nil { return ModalUpdate.handleKey(&state, key) }
        let page = Layout.tableRows(state.size)
        if state.screen == .clients && state.clients.filterEditing {
            if state.clients.updateFilter(key, page: page) { return [] }
        }
        if state.screen == .audit && state.audit.filterEditing {
            switch key {
            case .enter:
                state.audit.filterEditing = false
                return [.loadAudit(query: state.audit.filter.text)]
            case .escape:
                state.audit.filterEditing = false
                state.audit.filter = TextField()
                return [.loadAudit(query: "")]
            default:
                let before = state.audit.filter.text
                if state.audit.filter.handle(key) {
                    return state.audit.filter.text == before ? [] : [.loadAudit(query: state.audit.filter.text)]
                }
            }
        }
        guard let command = state.keymap.command(for: key, on: state.screen) else { return [] }
        return perform(&state, command)
    }

    static func perform(_ state: inout AppState, _ command: KeyCommand) -> [Effect] {
        let page = Layout.tableRows(state.size)
        state.status = nil
        switch command {
        case .quit:
            state.quitting = true
            return []
        case .help:
            state.modal = .help(scroll: 0)
            return []
        case .commandMode:
            state.modal = .command(CommandLineState())
            return []
        case .back:
            return back(&state)
        case .screen(let screen):
            return navigate(&state, to: screen)
        case .up, .down, .top, .bottom, .pageUp, .pageDown, .left, .right:
            move(&state, command, page: page)
            return []
        case .open:
            return open(&state)
        case .filter:
            if state.screen == .clients { state.clients.filterEditing = true }
            if state.screen == .audit { state.audit.filterEditing = true }
            return []
        case .sort:
            state.clients.cycleSort(page: page)
            state.status = StatusLine("sorted by \(state.clients.sort.label)")
            return []
        case .reverseSort:
            state.clients.reverseSort(page: page)
            return []
        case .rotate:
            return startRotation(&state)
        case .removeSecret:
            return startSecretRemoval(&state)
        case .toggle:
            return toggleMatrixCell(&state)
        case .edit:
            guard let environment = state.matrix.selectedEnvironment else { return [] }
            let existing = state.matrix.assignment(environment: environment, policy: state.matrix.selectedPolicy)
            state.modal = .policyForm(PolicyFormState(
                policy: state.matrix.selectedPolicy, environment: environment.name, existing: existing?.configuration))
            return []
        case .advance:
            guard let listing = state.rotations.selected, listing.rotation.isOpen else {
                state.status = StatusLine("select an open rotation to advance")
                return []
            }
            state.modal = .progress(ProgressState(title: "Advancing rotation #\(listing.rotation.id ?? 0)", total: 1))
            return [.advanceRotation(listing.rotation.id ?? 0)]
        case .advanceAll:
            state.modal = .progress(ProgressState(title: "Advancing all open rotations"))
            return [.advanceAll]
        case .endGrace:
            guard let listing = state.rotations.selected, listing.rotation.step == .grace, let id = listing.rotation.id
            else {
                state.status = StatusLine("select a rotation in its grace period")
                return []
            }
            state.modal = .confirm(ConfirmState(
                title: "End the grace period of rotation #\(id)?",
                lines: ["The old secret of \(listing.clientName) is removed at the IdP now.",
                        "Callers still using it will fail."],
                confirmLabel: "End grace", onConfirm: [.endGrace(id)]))
            return []
        case .verify:
            state.status = StatusLine("verifying the audit trail…")
            return [.verifyAudit]
        case .reload:
            state.clients.loadStopped = false
            return reloadAfterChange(state)
        }
    }

    static func navigate(_ state: inout AppState, to screen: ScreenID) -> [Effect] {
        if screen == .detail {
            guard let id = currentClientRowId(state) else {
                state.status = StatusLine("select a client first")
                return []
            }
            return openDetail(&state, id)
        }
        if screen != state.screen {
            state.history.append(state.screen)
            if state.history.count > 20 { state.history.removeFirst() }
        }
        state.screen = screen
        return loadEffects(for: screen, state: state)
    }

    static func openDetail(_ state: inout AppState, _ clientRowId: Int64) -> [Effect] {
        if state.screen != .detail {
            state.history.append(state.screen)
        }
        state.screen = .detail
        if state.detail.clientRowId != clientRowId {
            state.detail = DetailState()
            state.detail.clientRowId = clientRowId
        }
        return [.loadDetail(clientRowId)]
    }

    static func back(_ state: inout AppState) -> [Effect] {
        if state.screen == .clients && state.clients.isLoadingRest {
            state.clients.loadStopped = true
            state.clients.loadProgress = nil
            state.status = StatusLine(
                "stopped loading: the first \(state.clients.index?.count ?? 0) clients by name are shown; ctrl-r loads them all")
            return [.cancelClientLoad]
        }
        if state.screen == .clients && (!state.clients.filter.text.isEmpty || state.clients.environment != nil) {
            state.clients.filter = TextField()
            state.clients.environment = nil
            state.clients.rebuild(page: Layout.tableRows(state.size))
            return []
        }
        if state.screen == .audit && !state.audit.filter.text.isEmpty {
            state.audit.filter = TextField()
            return [.loadAudit(query: "")]
        }
        if let previous = state.history.popLast() {
            state.screen = previous
            return loadEffects(for: previous, state: state)
        }
        if state.screen != .clients {
            state.screen = .clients
        }
        return []
    }

    static func move(_ state: inout AppState, _ command: KeyCommand, page: Int) {
        switch state.screen {
        case .clients: _ = state.clients.cursor.move(command, count: state.clients.visible.count, page: page)
        case .detail: _ = state.detail.cursor.move(command, count: state.detail.detail?.secrets.count ?? 0, page: page)
        case .expiring: state.expiring.move(command, page: page)
        case .matrix: state.matrix.move(command)
        case .rotations: _ = state.rotations.cursor.move(command, count: state.rotations.listings.count, page: page)
        case .audit: _ = state.audit.cursor.move(command, count: state.audit.events.count, page: page)
        }
    }

    static func open(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .clients:
            guard let row = state.clients.selectedRow else { return [] }
            return openDetail(&state, row.id)
        case .expiring:
            guard let secret = state.expiring.selected else { return [] }
            guard let id = secret.clientRowId else {
                state.status = StatusLine("Clientele's own admin credential at \(secret.identityProvider): renew it at the IdP, then `clientele idp` records it")
                return []
            }
            return openDetail(&state, id)
        case .rotations:
            guard let listing = state.rotations.selected else { return [] }
            return openDetail(&state, listing.rotation.clientRowId)
        default:
            return []
        }
    }

    /// The client the operator means on the current screen.
    static func currentClientRowId(_ state: AppState) -> Int64? {
        switch state.screen {
        case .detail: return state.detail.clientRowId
        case .expiring: return state.expiring.selected?.clientRowId
        case .rotations: return state.rotations.selected?.rotation.clientRowId
        default: return state.clients.selectedRow?.id ?? state.detail.clientRowId
        }
    }

    static func currentClientName(_ state: AppState, _ id: Int64) -> String {
        if let detail = state.detail.detail, detail.client.id == id { return detail.client.displayName }
        if let secret = state.expiring.selected, secret.clientRowId == id { return secret.client }
        if let row = state.clients.selectedRow, row.id == id { return row.displayName }
        return "#\(id)"
    }

    static func startRotation(_ state: inout AppState) -> [Effect] {
        if state.screen == .expiring, let secret = state.expiring.selected, secret.clientRowId == nil {
            state.status = StatusLine("\(secret.client) is renewed at the IdP, not rotated here")
            return []
        }
        guard let id = currentClientRowId(state) else {
            state.status = StatusLine("select a client to rotate")
            return []
        }
        let grace = state.configuration.defaultGrace
        state.modal = .rotate(RotateDialogState(
            clientRowId: id, clientName: currentClientName(state, id), grace: grace,
            lifetime: state.configuration.defaultLifetime))
        return [.previewRotation(clientRowId: id, grace: grace)]
    }

    /// Asks the core what removing the selected secret means; the confirmation opens when the answer comes back.
    static func startSecretRemoval(_ state: inout AppState) -> [Effect] {
        let target: (clientRowId: Int64, keyId: String)?
        switch state.screen {
        case .detail:
            let secrets = state.detail.detail?.secrets ?? []
            guard let id = state.detail.clientRowId, state.detail.cursor.selected < secrets.count else { return [] }
            let secret = secrets[state.detail.cursor.selected]
            if secret.state == .removed {
                state.status = StatusLine("secret \(secret.hint)… is already removed")
                return []
            }
            target = (id, secret.keyId)
        case .expiring:
            guard let secret = state.expiring.selected else { return [] }
            guard let id = secret.clientRowId, let keyId = secret.keyId else {
                state.status = StatusLine("\(secret.client) is Clientele's own admin credential: it is managed at the IdP")
                return []
            }
            target = (id, keyId)
        default:
            target = nil
        }
        guard let target else { return [] }
        state.status = StatusLine("checking what removing it means…")
        return [.previewSecretRemoval(clientRowId: target.clientRowId, keyId: target.keyId)]
    }

    static func toggleMatrixCell(_ state: inout AppState) -> [Effect] {
        guard let environment = state.matrix.selectedEnvironment else { return [] }
        let policy = state.matrix.selectedPolicy
        if let existing = state.matrix.assignment(environment: environment, policy: policy) {
            // Unassigning goes through the plan, shown as a confirmation whose default is Cancel.
            return [.planPolicy(PolicyChangeRequest(
                policy: policy, environment: environment.name, api: existing.api, intent: .unassign))]
        }
        state.modal = .policyForm(PolicyFormState(policy: policy, environment: environment.name, existing: nil))
        return []
    }
}
