import ClienteleCore
import Foundation

/// The console's update: state + action → next state and the effects to run. Pure apart from the `inout` state, so
/// every behaviour is testable without a terminal or a database. Each screen's and dialog's part lives beside its
/// state and render (`Screens/<Screen>/<Screen>Update.swift`); this file routes to them and keeps what is shared:
/// navigation, reloads after a change, and where failures go.
public enum ConsoleUpdate {
    /// What to load when the console opens.
    public static func start(_ state: AppState) -> [Effect] {
        [.loadHeader, .loadClients(firstPage: firstPageSize(state), all: true), .pollRevision]
    }

    public static func update(_ state: inout AppState, _ action: Action) -> [Effect] {
        let effects = route(&state, action)
        // Whoever asked, the Drift screen says it is reading until the answer comes.
        if effects.contains(where: { if case .loadDrift = $0 { true } else { false } }) {
            state.drift.reading = true
            state.drift.readingApps = true
        }
        return effects
    }

    static func route(_ state: inout AppState, _ action: Action) -> [Effect] {
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
            // Someone changed the registry (a CLI rotation, cron): reload what is on screen. Not the gateways:
            // reading them records what they run, which is itself a change, and would read them on every poll.
            // A whole list already here is patched with what changed since, rather than read again, and asked for
            // first: the effects share one registry connection, and the header's counts take longer than the rows.
            var effects = reloadAfterChange(state).filter { if case .loadDrift = $0 { false } else { true } }
            if state.clients.index?.complete == true, let load = effects.firstIndex(where: {
                if case .loadClients = $0 { true } else { false }
            }) {
                effects.remove(at: load)
                effects.insert(.loadClientChanges(since: known), at: 0)
            }
            return effects
        case .headerLoaded(let header):
            state.header = header
            return []
        case .clientsLoaded(let index): return ClientsUpdate.loaded(&state, index)
        case .clientsChanged(let changes): return ClientsUpdate.changed(&state, changes)
        case .clientsLoading(let done, let total): return ClientsUpdate.loading(&state, done: done, total: total)
        case .detailLoaded(let detail): return DetailUpdate.loaded(&state, detail)
        case .expiringLoaded(let secrets, let holders): return ExpiringUpdate.loaded(&state, secrets, gatewayHolders: holders)
        case .expiringPoliciesLoaded(let forecasts):
            state.expiring.policies = forecasts
            return []
        case .matrixLoaded(let matrix): return MatrixUpdate.loaded(&state, matrix)
        case .gatewayInspected(let inspection): return GatewayApplyUpdate.inspected(&state, inspection)
        case .driftLoaded(let reports): return DriftUpdate.loaded(&state, reports)
        case .clientAppDriftRecorded(let differences): return DriftUpdate.recorded(&state, differences)
        case .clientAppDriftRead(let reports): return DriftUpdate.read(&state, reports)
        case .rotationsLoaded(let listings): return RotationsUpdate.loaded(&state, listings)
        case .auditLoaded(let events, let query): return AuditUpdate.loaded(&state, events, query: query)
        case .auditVerified(let verification): return AuditUpdate.verified(&state, verification)
        case .rotationPreviewed(let preview, _): return RotateDialogUpdate.previewed(&state, preview)
        case .secretReady(let secret, let clientName): return SecretRevealUpdate.ready(&state, secret, clientName: clientName)
        case .secretFileWritten(let path): return SecretRevealUpdate.written(&state, path: path)
        case .rotationFinished(let outcome): return RotateDialogUpdate.finished(&state, outcome)
        case .bulkRotationFinished(let report): return RotateDialogUpdate.setFinished(&state, report)
        case .secretRemovalPreviewed(let preview): return SecretRemovalUpdate.previewed(&state, preview)
        case .secretRemoved(let removed): return SecretRemovalUpdate.removed(&state, removed)
        case .policyPlanned(let plan, let request): return MatrixUpdate.planned(&state, plan, request)
        case .policyApplied(let plan): return MatrixUpdate.applied(&state, plan)
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
        case (.change, .progress), (.change, .plan), (.change, .confirm), (.gatewayPlan, .progress):
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
        case .drift: return [.loadDrift]
        }
    }

    static func clampAll(_ state: inout AppState) {
        let page = Layout.tableRows(state.size)
        state.clients.cursor.clamp(count: state.clients.visible.count, page: page)
        state.detail.cursor.clamp(count: state.detail.detail?.secrets.count ?? 0, page: page)
        state.expiring.cursor.clamp(count: state.expiring.rows.count, page: page)
        state.rotations.cursor.clamp(count: state.rotations.listings.count, page: page)
        state.audit.cursor.clamp(count: state.audit.events.count, page: page)
        state.drift.cursor.clamp(count: state.drift.items.count, page: page)
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
        if state.screen == .clients, let effects = ClientsUpdate.filterKey(&state, key) { return effects }
        if state.screen == .audit, let effects = AuditUpdate.filterKey(&state, key) { return effects }
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
            switch state.screen {
            case .clients: return ClientsUpdate.open(&state)
            case .expiring: return ExpiringUpdate.open(&state)
            case .rotations: return RotationsUpdate.open(&state)
            case .drift: return DriftUpdate.open(&state)
            case .detail, .matrix, .audit: return []
            }
        case .filter:
            if state.screen == .clients { state.clients.filterEditing = true }
            if state.screen == .audit { state.audit.filterEditing = true }
            return []
        case .sort:
            return ClientsUpdate.sort(&state)
        case .reverseSort:
            state.clients.reverseSort(page: page)
            return []
        case .rotate: return RotateDialogUpdate.start(&state)
        case .mark: return ClientsUpdate.mark(&state)
        case .removeSecret: return SecretRemovalUpdate.start(&state)
        case .toggle: return MatrixUpdate.toggle(&state)
        case .edit: return MatrixUpdate.edit(&state)
        case .advance: return RotationsUpdate.advance(&state)
        case .advanceAll: return RotationsUpdate.advanceAll(&state)
        case .endGrace: return RotationsUpdate.endGrace(&state)
        case .verify: return AuditUpdate.verify(&state)
        case .applyGateway: return GatewayApplyUpdate.start(&state)
        case .pushDifference: return DriftUpdate.push(&state)
        case .adoptDifference: return DriftUpdate.adopt(&state)
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
        if state.screen == .clients, let effects = ClientsUpdate.back(&state) { return effects }
        if state.screen == .audit, let effects = AuditUpdate.back(&state) { return effects }
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
        case .drift: _ = state.drift.cursor.move(command, count: state.drift.items.count, page: page)
        }
    }

    /// The client the operator means on the current screen.
    static func currentClientRowId(_ state: AppState) -> Int64? {
        switch state.screen {
        case .detail: return state.detail.clientRowId
        case .expiring: return state.expiring.selected?.clientRowId
        case .rotations: return state.rotations.selected?.rotation.clientRowId
        case .drift where state.drift.selectedApp?.clientRowId != nil: return state.drift.selectedApp?.clientRowId
        default: return state.clients.selectedRow?.id ?? state.detail.clientRowId
        }
    }

    static func currentClientName(_ state: AppState, _ id: Int64) -> String {
        if let detail = state.detail.detail, detail.client.id == id { return detail.client.displayName }
        if let secret = state.expiring.selected, secret.clientRowId == id { return secret.client }
        if let row = state.clients.selectedRow, row.id == id { return row.displayName }
        return "#\(id)"
    }
}
