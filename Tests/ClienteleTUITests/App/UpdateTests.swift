import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The update function on its own: one action in, the next state and the effects out. No registry involved.
struct UpdateTests {
    static func state(_ size: Size = Size(width: 80, height: 24), readonly: Bool = false) -> AppState {
        var state = AppState(size: size, now: DemoFixture.now, readonly: readonly, registryPath: "r.sqlite")
        state.clients.load(ClientIndexTests.index, page: Layout.tableRows(size))
        return state
    }

    @Test func startLoadsHeaderFirstPageAndRevision() {
        let effects = ConsoleUpdate.start(Self.state())
        #expect(effects.count == 3)
        guard case .loadHeader = effects[0], case .loadClients(let page, let all) = effects[1],
            case .pollRevision = effects[2]
        else { Issue.record("unexpected \(effects)"); return }
        #expect(page == 60 && all)
    }

    @Test func quitKeys() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .key(.character("q")))
        #expect(state.quitting)
        var other = Self.state()
        other.modal = .help(scroll: 0)
        _ = ConsoleUpdate.update(&other, .key(.control("c")))
        #expect(other.quitting)
    }

    @Test func tooSmallOnlyQuits() {
        var state = Self.state(Size(width: 30, height: 8))
        for key: KeyEvent in [.character("r"), .character("4"), .enter, .character("/")] {
            #expect(ConsoleUpdate.update(&state, .key(key)).isEmpty)
        }
        #expect(state.screen == .clients && state.modal == nil && !state.quitting)
        _ = ConsoleUpdate.update(&state, .key(.character("q")))
        #expect(state.quitting)
        // Wrapped to the width, so the numbers stay readable.
        let lines = ConsoleRender.render(state).textLines.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("Terminal too small: 30×8, need"))
        #expect(lines.contains("60×15"))
        #expect(lines.contains("q quits"))
    }

    @Test func resizeClampsTheSelection() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .key(.character("G")))
        #expect(state.clients.cursor.selected == 4)
        _ = ConsoleUpdate.update(&state, .resized(Size(width: 60, height: 15)))
        #expect(state.size == Size(width: 60, height: 15))
        #expect(state.clients.cursor.offset <= state.clients.cursor.selected)
    }

    @Test func tickPollsAndRevisionChangeReloads() {
        var state = Self.state()
        guard case .pollRevision? = ConsoleUpdate.update(&state, .tick(DemoFixture.now)).first else {
            Issue.record("tick did not poll"); return
        }
        #expect(ConsoleUpdate.update(&state, .revision(5)).isEmpty)  // the first revision only records
        #expect(ConsoleUpdate.update(&state, .revision(5)).isEmpty)
        let effects = ConsoleUpdate.update(&state, .revision(6))
        // The whole list is here: what changed since is read and patched in, not the whole list again.
        #expect(effects.contains { if case .loadClientChanges(since: 5) = $0 { true } else { false } })
        #expect(!effects.contains { if case .loadClients = $0 { true } else { false } })
        let everything = ConsoleUpdate.update(&state, .clientsChanged(.everything))
        #expect(everything.contains { if case .loadClients(nil, true) = $0 { true } else { false } })
        #expect(ConsoleUpdate.update(&state, .clientsChanged(.rows(changed: [], removed: []))).isEmpty)
    }

    /// A state showing the first page of a registry whose whole index is still loading.
    static func partiallyLoaded() -> AppState {
        var state = AppState(size: Size(width: 100, height: 24), now: DemoFixture.now, readonly: false,
                             registryPath: "r.sqlite")
        let full = ClientIndexTests.index
        state.clients.load(ClientIndex(rows: Array(full.rows.prefix(3)), identityProviders: [], environments: [],
                                       complete: false), page: 10)
        return state
    }

    @Test func loadingShowsProgressAndEscStopsItKeepingTheFirstPage() {
        var state = Self.partiallyLoaded()
        #expect(state.clients.isLoadingRest)
        _ = ConsoleUpdate.update(&state, .clientsLoading(done: 150, total: 300))
        #expect(ConsoleRender.render(state).textLines.joined().contains("(loading 50%… esc stops)"))

        let effects = ConsoleUpdate.update(&state, .key(.escape))
        guard case .cancelClientLoad? = effects.first, effects.count == 1 else {
            Issue.record("Esc did not stop the load: \(effects)"); return
        }
        #expect(state.clients.loadStopped && !state.clients.isLoadingRest)
        #expect(state.clients.visible.count == 3)
        #expect(state.status?.text.contains("ctrl-r loads them all") == true)
        // Late progress from the cancelled load changes nothing.
        _ = ConsoleUpdate.update(&state, .clientsLoading(done: 200, total: 300))
        #expect(state.clients.loadProgress == nil)
        state.status = nil
        #expect(ConsoleRender.render(state).textLines.joined().contains("(first 3 only: ctrl-r loads all)"))

        // Another process's change reloads only the first page while stopped…
        _ = ConsoleUpdate.update(&state, .revision(1))
        let reload = ConsoleUpdate.update(&state, .revision(2))
        #expect(reload.contains { if case .loadClients(.some, false) = $0 { true } else { false } })
        // …and ctrl-r loads everything again.
        let all = ConsoleUpdate.update(&state, .key(.control("r")))
        #expect(all.contains { if case .loadClients(nil, true) = $0 { true } else { false } })
        #expect(!state.clients.loadStopped)
        _ = ConsoleUpdate.update(&state, .clientsLoaded(ClientIndexTests.index))
        #expect(!state.clients.isLoadingRest && state.clients.loadProgress == nil)
        #expect(state.clients.visible.count == ClientIndexTests.index.count)
    }

    @Test func numberKeysNavigateAndEscWalksTheBreadcrumbsBack() {
        var state = Self.state()
        let effects = ConsoleUpdate.update(&state, .key(.character("4")))
        #expect(state.screen == .matrix)
        guard case .loadMatrix? = effects.first else { Issue.record("matrix not loaded"); return }
        _ = ConsoleUpdate.update(&state, .key(.character("5")))
        #expect(state.history == [.clients, .matrix])
        _ = ConsoleUpdate.update(&state, .key(.escape))
        #expect(state.screen == .matrix)
        _ = ConsoleUpdate.update(&state, .key(.escape))
        #expect(state.screen == .clients)
    }

    @Test func detailNeedsAClientAndOpensTheSelectedOne() {
        var state = Self.state()
        let effects = ConsoleUpdate.update(&state, .key(.enter))
        #expect(state.screen == .detail)
        guard case .loadDetail(let id)? = effects.first else { Issue.record("no detail load"); return }
        #expect(id == state.clients.selectedRow?.id)
        var empty = AppState(size: Size(width: 80, height: 24), now: DemoFixture.now, readonly: false, registryPath: "r")
        _ = ConsoleUpdate.update(&empty, .key(.character("2")))
        #expect(empty.screen == .clients)
        #expect(empty.status?.text == "select a client first")
    }

    @Test func sortCyclesAndReverses() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .key(.character("s")))
        #expect(state.clients.sort == .identityProvider)
        #expect(state.status?.text == "sorted by IdP")
        _ = ConsoleUpdate.update(&state, .key(.character("S")))
        #expect(state.clients.descending)
    }

    @Test func rotateOpensTheDialogAndAsksForAPreview() {
        var state = Self.state()
        let effects = ConsoleUpdate.update(&state, .key(.character("r")))
        #expect(state.modal?.name == "rotate")
        guard case .previewRotation(let id, let grace)? = effects.first else { Issue.record("no preview"); return }
        #expect(id == state.clients.selectedRow?.id)
        #expect(grace == .days(7))
        // Enter before the preview arrives does not rotate.
        #expect(ConsoleUpdate.update(&state, .key(.enter)).isEmpty)
        guard case .rotate(let dialog) = state.modal else { Issue.record("dialog closed"); return }
        #expect(dialog.error?.contains("still reading") == true)
    }

    @Test func rotateDialogValidatesGraceAndTargetInline() {
        var dialog = RotateDialogState(clientRowId: 1, clientName: "x", grace: .days(7))
        dialog.grace = TextField("soon")
        guard case .failure(let problem) = dialog.request(confirmed: false) else { Issue.record("accepted"); return }
        #expect(problem.text.contains("'soon'"))
        dialog.grace = TextField("0s")
        dialog.delivery = .file
        guard case .failure(let missing) = dialog.request(confirmed: false) else { Issue.record("accepted"); return }
        #expect(missing.text.contains("path"))
        dialog.target = TextField("/tmp/s")
        guard case .success(let request) = dialog.request(confirmed: false) else { Issue.record("refused"); return }
        #expect(request.grace?.seconds == 0 && request.client == "#1")
        #expect(request.delivery == .file(path: "/tmp/s"))
    }

    @Test func confirmationsDefaultToCancel() {
        var state = Self.state()
        state.modal = .confirm(ConfirmState(title: "t", lines: [], confirmLabel: "Do it", onConfirm: [.endGrace(3)]))
        #expect(ConsoleUpdate.update(&state, .key(.enter)).isEmpty)
        #expect(state.modal == nil)
        state.modal = .confirm(ConfirmState(title: "t", lines: [], confirmLabel: "Do it", onConfirm: [.endGrace(3)]))
        _ = ConsoleUpdate.update(&state, .key(.right))
        let effects = ConsoleUpdate.update(&state, .key(.enter))
        guard case .endGrace(3)? = effects.first else { Issue.record("not confirmed"); return }
        #expect(state.modal?.name == "progress")
    }

    @Test func progressEscCancelsOnce() {
        var state = Self.state()
        state.modal = .progress(ProgressState(title: "work"))
        guard case .cancelLongWork? = ConsoleUpdate.update(&state, .key(.escape)).first else {
            Issue.record("no cancel"); return
        }
        #expect(ConsoleUpdate.update(&state, .key(.escape)).isEmpty)
        _ = ConsoleUpdate.update(&state, .progress(done: 2, total: 5, note: "rotation #9"))
        guard case .progress(let progress) = state.modal else { Issue.record("progress gone"); return }
        #expect(progress.done == 2 && progress.total == 5 && progress.cancelling)
        _ = ConsoleUpdate.update(&state, .longWorkFinished(title: "Advance all", lines: ["cancelled after 2 of 5"]))
        #expect(state.modal?.name == "message")
    }

    @Test func secretDialogRevealsWritesAndAcknowledges() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .secretReady(SecretText("s3cr3t-value-xyz"), clientName: "billing"))
        #expect(!ConsoleRender.render(state).textLines.joined().contains("s3cr3t-value-xyz"))
        _ = ConsoleUpdate.update(&state, .key(.character("v")))
        #expect(ConsoleRender.render(state).textLines.joined().contains("s3cr3t-value-xyz"))
        _ = ConsoleUpdate.update(&state, .key(.character("w")))
        for character in "/tmp/x" { _ = ConsoleUpdate.update(&state, .key(.character(character))) }
        guard case .writeSecretFile(_, let path)? = ConsoleUpdate.update(&state, .key(.enter)).first else {
            Issue.record("no write"); return
        }
        #expect(path == "/tmp/x")
        _ = ConsoleUpdate.update(&state, .secretFileWritten(path: path))
        #expect(ConsoleRender.render(state).textLines.joined().contains("Written to /tmp/x"))
        guard case .acknowledgeSecret? = ConsoleUpdate.update(&state, .key(.enter)).first else {
            Issue.record("no acknowledgement"); return
        }
        #expect(!ConsoleRender.render(state).textLines.joined().contains("s3cr3t-value-xyz"))
    }

    @Test func failuresLandWhereTheyCameFrom() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .failed(Failure(.background, "registry is busy")))
        #expect(state.status == StatusLine("registry is busy", kind: .error))
        state.modal = .progress(ProgressState(title: "Rotating…"))
        _ = ConsoleUpdate.update(&state, .failed(Failure(.change, "IdP said no")))
        guard case .message(let message) = state.modal else { Issue.record("no message"); return }
        #expect(message.isError && message.lines == ["IdP said no"])
        state.modal = .policyForm(PolicyFormState(policy: .cors, environment: "Prod", existing: nil))
        _ = ConsoleUpdate.update(&state, .failed(Failure(.policyPlan, "cors: bad")))
        guard case .policyForm(let form) = state.modal else { Issue.record("form closed"); return }
        #expect(form.error == "cors: bad")
    }

    /// A background poll failing while the rotate dialog is open belongs on the status line, not in the dialog;
    /// so does a preview failure of another client's dialog.
    @Test func aBackgroundFailureNeverLandsInTheRotateDialog() throws {
        var state = Self.state()
        let id = try #require(state.clients.selectedRow?.id)
        _ = ConsoleUpdate.update(&state, .key(.character("r")))
        _ = ConsoleUpdate.update(&state, .failed(Failure(.background, "database is locked")))
        _ = ConsoleUpdate.update(&state, .failed(Failure(.rotationPreview(clientRowId: id + 1), "stale preview")))
        guard case .rotate(let untouched) = state.modal else { Issue.record("dialog closed"); return }
        #expect(untouched.error == nil)
        #expect(state.status == StatusLine("stale preview", kind: .error))
        _ = ConsoleUpdate.update(&state, .failed(Failure(.rotationPreview(clientRowId: id), "IdP unreachable")))
        guard case .rotate(let dialog) = state.modal else { Issue.record("dialog closed"); return }
        #expect(dialog.error == "IdP unreachable")
    }

    /// Every effect's origin follows from what it is: a load or poll is background, a confirmed change is a change.
    @Test func effectsNameTheirOrigin() {
        #expect(Effect.pollRevision.origin == .background)
        #expect(Effect.loadExpiring(within: .days(90)).origin == .background)
        #expect(Effect.previewRotation(clientRowId: 4, grace: .days(7)).origin == .rotationPreview(clientRowId: 4))
        #expect(Effect.endGrace(1).origin == .change)
        #expect(Effect.planPolicy(PolicyChangeRequest(policy: .cors, environment: "Prod", intent: .unassign)).origin
            == .policyPlan)
    }

    @Test func renderAbbreviatesHomeFromTheStateNotTheEnvironment() {
        var state = AppState(size: Size(width: 120, height: 30), now: DemoFixture.now, readonly: false,
                             registryPath: "/home/op/data/registry.sqlite", homeDirectory: "/home/op")
        #expect(ConsoleRender.render(state).textLines[0].contains("~/data/registry.sqlite"))
        state.homeDirectory = nil
        #expect(ConsoleRender.render(state).textLines[0].contains("/home/op/data/registry.sqlite"))
    }

    @Test func policyFormValidatesWithTheCoreSchema() {
        var form = PolicyFormState(policy: .cors, environment: "Prod", existing: nil)
        #expect(form.error?.contains("origins is required") == true)
        form.values[0] = TextField("*")
        form.values[2] = TextField("true")
        #expect(form.validate()?.contains("origins=* cannot be combined") == true)
        form.values[2] = TextField("false")
        #expect(form.validate() == nil)
        guard case .assign(let pairs, nil) = form.request.intent else { Issue.record("not assign"); return }
        #expect(pairs.contains("origins=*"))
    }

    @Test func commandModeReportsUnknownCommandsAndEnvironments() {
        var state = Self.state()
        state.header.environments = ["Dev", "Prod"]
        _ = ConsoleUpdate.update(&state, .key(.character(":")))
        for character in "env nowhere" { _ = ConsoleUpdate.update(&state, .key(.character(character))) }
        _ = ConsoleUpdate.update(&state, .key(.enter))
        guard case .command(let command) = state.modal else { Issue.record("closed"); return }
        #expect(command.error?.contains("known: Dev, Prod") == true)
        _ = ConsoleUpdate.update(&state, .key(.control("u")))
        for character in "audit" { _ = ConsoleUpdate.update(&state, .key(.character(character))) }
        _ = ConsoleUpdate.update(&state, .key(.enter))
        #expect(state.screen == .audit && state.modal == nil)
    }

    @Test func auditFilterReloadsAsYouType() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .key(.character("6")))
        _ = ConsoleUpdate.update(&state, .key(.character("/")))
        guard case .loadAudit(let query)? = ConsoleUpdate.update(&state, .key(.character("p"))).first else {
            Issue.record("no reload"); return
        }
        #expect(query == "p")
        guard case .loadAudit("")? = ConsoleUpdate.update(&state, .key(.escape)).first else {
            Issue.record("esc did not clear"); return
        }
    }

    @Test func helpOpensAndClosesAndScrolls() {
        var state = Self.state()
        _ = ConsoleUpdate.update(&state, .key(.character("?")))
        _ = ConsoleUpdate.update(&state, .key(.down))
        guard case .help(1)? = state.modal else { Issue.record("no scroll"); return }
        _ = ConsoleUpdate.update(&state, .key(.escape))
        #expect(state.modal == nil)
    }
}

