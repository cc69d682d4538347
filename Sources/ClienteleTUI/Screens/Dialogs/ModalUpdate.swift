import ClienteleCore
import Foundation

/// Keys while a dialog is open. Each dialog decides what Enter and Esc mean; nothing falls through to the screen.
enum ModalUpdate {
    static func handleKey(_ state: inout AppState, _ key: KeyEvent) -> [Effect] {
        guard let modal = state.modal else { return [] }
        switch modal {
        case .help(let scroll):
            switch key {
            case .escape, .character("?"), .character("q"), .enter: state.modal = nil
            case .down, .character("j"): state.modal = .help(scroll: scroll + 1)
            case .up, .character("k"): state.modal = .help(scroll: max(0, scroll - 1))
            case .pageDown: state.modal = .help(scroll: scroll + 10)
            case .pageUp: state.modal = .help(scroll: max(0, scroll - 10))
            default: break
            }
            return []
        case .message:
            if [.escape, .enter, .character("q"), .character(" ")].contains(key) { state.modal = nil }
            return []
        case .progress(var progress):
            if key == .escape && !progress.cancelling {
                progress.cancelling = true
                progress.note = "cancelling after the current step…"
                state.modal = .progress(progress)
                return [.cancelLongWork]
            }
            return []
        case .confirm(var confirm):
            switch key {
            case .left, .right, .tab, .backTab, .character("h"), .character("l"):
                confirm.focus = confirm.focus == .cancel ? .confirm : .cancel
                state.modal = .confirm(confirm)
            case .escape, .character("n"), .character("q"):
                state.modal = nil
            case .enter:
                if confirm.focus == .confirm {
                    state.modal = progressModal(for: confirm.onConfirm)
                    return confirm.onConfirm
                }
                state.modal = nil
            default: break
            }
            return []
        case .plan(var plan):
            switch key {
            case .left, .right, .tab, .backTab, .character("h"), .character("l"):
                plan.focus = plan.focus == .cancel ? .confirm : .cancel
                state.modal = .plan(plan)
            case .escape, .character("n"), .character("q"):
                state.modal = nil
            case .enter:
                if plan.focus == .confirm {
                    state.modal = .progress(ProgressState(title: "Applying…"))
                    return [.applyPolicy(plan.request)]
                }
                state.modal = nil
            default: break
            }
            return []
        case .command(var command):
            return CommandLineUpdate.handleKey(&state, &command, key)
        case .rotate(var dialog):
            return rotateKey(&state, &dialog, key)
        case .policyForm(var form):
            return policyFormKey(&state, &form, key)
        case .secret(var reveal):
            return secretKey(&state, &reveal, key)
        }
    }

    /// The progress dialog that stands while `effects` run, if they are long work.
    static func progressModal(for effects: [Effect]) -> Modal? {
        for effect in effects {
            switch effect {
            case .rotate: return .progress(ProgressState(title: "Rotating…"))
            case .endGrace: return .progress(ProgressState(title: "Ending the grace period…"))
            case .removeSecret: return .progress(ProgressState(title: "Removing the secret at the IdP…"))
            default: continue
            }
        }
        return nil
    }

    static func rotateKey(_ state: inout AppState, _ dialog: inout RotateDialogState, _ key: KeyEvent) -> [Effect] {
        defer { if case .rotate = state.modal { state.modal = .rotate(dialog) } }
        switch key {
        case .escape:
            state.modal = nil
            return []
        case .tab, .down:
            dialog.moveFocus(1)
            return []
        case .backTab, .up:
            dialog.moveFocus(-1)
            return []
        case .enter:
            if dialog.focus == .cancel {
                state.modal = nil
                return []
            }
            return submitRotation(&state, &dialog)
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
            switch key {
            case .right, .character(" "), .character("l"):
                dialog.delivery = .init(rawValue: (dialog.delivery.rawValue + 1) % count)!
            case .left, .character("h"):
                dialog.delivery = .init(rawValue: (dialog.delivery.rawValue + count - 1) % count)!
            default: break
            }
        case .rotate, .cancel:
            if [.left, .right, .character("h"), .character("l")].contains(key) {
                dialog.focus = dialog.focus == .rotate ? .cancel : .rotate
            }
        }
        return []
    }

    static func submitRotation(_ state: inout AppState, _ dialog: inout RotateDialogState) -> [Effect] {
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

    static func policyFormKey(_ state: inout AppState, _ form: inout PolicyFormState, _ key: KeyEvent) -> [Effect] {
        let stops = form.values.count + 2
        defer { if case .policyForm = state.modal { state.modal = .policyForm(form) } }
        switch key {
        case .escape:
            state.modal = nil
            return []
        case .tab, .down:
            form.focus = (form.focus + 1) % stops
            return []
        case .backTab, .up:
            form.focus = (form.focus + stops - 1) % stops
            return []
        case .enter:
            if form.focus == form.cancelButton {
                state.modal = nil
                return []
            }
            if let error = form.validate() {
                form.error = error
                if let key = form.errorKey, let index = form.schema.fields.firstIndex(where: { $0.key == key }) {
                    form.focus = index
                }
                return []
            }
            return [.planPolicy(form.request)]
        default:
            guard form.focus < form.values.count else {
                if [.left, .right].contains(key) {
                    form.focus = form.focus == form.previewButton ? form.cancelButton : form.previewButton
                }
                return []
            }
            if form.values[form.focus].handle(key) { form.error = form.validate() }
            return []
        }
    }

    static func secretKey(_ state: inout AppState, _ reveal: inout SecretRevealState, _ key: KeyEvent) -> [Effect] {
        if var path = reveal.path {
            switch key {
            case .escape:
                reveal.path = nil
            case .enter:
                let text = path.text.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else {
                    reveal.error = "enter a path for the new file"
                    state.modal = .secret(reveal)
                    return []
                }
                state.modal = .secret(reveal)
                return [.writeSecretFile(reveal.secret, path: (text as NSString).expandingTildeInPath)]
            default:
                path.handle(key)
                reveal.path = path
            }
            state.modal = .secret(reveal)
            return []
        }
        switch key {
        case .character("v"), .character(" "):
            reveal.revealed.toggle()
            state.modal = .secret(reveal)
        case .character("w"):
            reveal.path = TextField()
            reveal.error = nil
            state.modal = .secret(reveal)
        case .enter, .escape, .character("q"):
            // Closing drops the secret: it is never drawn again. The rotation goes on to verify it.
            state.modal = .progress(ProgressState(title: "Verifying the new secret…"))
            return [.acknowledgeSecret]
        default:
            break
        }
        return []
    }
}
