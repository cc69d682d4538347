import ClienteleCore

/// Keys while a dialog is open, through the keymap's dialog bindings. Each dialog decides what its commands mean;
/// nothing falls through to the screen.
enum ModalUpdate {
    static func handleKey(_ state: inout AppState, _ key: KeyEvent) -> [Effect] {
        guard let modal = state.modal else { return [] }
        let keymap = state.keymap
        switch modal {
        case .help(let scroll):
            switch keymap.dialogCommand(for: key, in: .help) {
            case .close?: state.modal = nil
            case .scrollDown?: state.modal = .help(scroll: scroll + 1)
            case .scrollUp?: state.modal = .help(scroll: max(0, scroll - 1))
            case .pageDown?: state.modal = .help(scroll: scroll + 10)
            case .pageUp?: state.modal = .help(scroll: max(0, scroll - 10))
            default: break
            }
            return []
        case .message:
            if keymap.dialogCommand(for: key, in: .message) == .close { state.modal = nil }
            return []
        case .progress(var progress):
            if keymap.dialogCommand(for: key, in: .progress) == .cancelWork && progress.cancellable
                && !progress.cancelling
            {
                progress.cancelling = true
                progress.note = "cancelling after the current step…"
                state.modal = .progress(progress)
                return [.cancelLongWork]
            }
            return []
        case .confirm(var confirm):
            switch keymap.dialogCommand(for: key, in: .confirm) {
            case .switchButton?:
                confirm.focus = confirm.focus == .cancel ? .confirm : .cancel
                state.modal = .confirm(confirm)
            case .close?:
                state.modal = nil
            case .submit?:
                if confirm.focus == .confirm {
                    state.modal = progressModal(for: confirm.onConfirm)
                    return confirm.onConfirm
                }
                state.modal = nil
            default: break
            }
            return []
        case .plan(var plan):
            switch keymap.dialogCommand(for: key, in: .confirm) {
            case .switchButton?:
                plan.focus = plan.focus == .cancel ? .confirm : .cancel
                state.modal = .plan(plan)
            case .close?:
                state.modal = nil
            case .submit?:
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
            return RotateDialogUpdate.handleKey(&state, &dialog, key)
        case .policyForm(var form):
            return PolicyFormUpdate.handleKey(&state, &form, key)
        case .secret(var reveal):
            return SecretRevealUpdate.handleKey(&state, &reveal, key)
        }
    }

    /// The progress dialog that stands while `effects` run, if they are long work.
    static func progressModal(for effects: [Effect]) -> Modal? {
        for effect in effects {
            switch effect {
            case .rotate: return .progress(ProgressState(title: "Rotating…"))
            case .rotateMany(let request):
                return .progress(ProgressState(title: "Rotating \(request.clientRowIds.count) clients…",
                                               total: request.clientRowIds.count))
            case .endGrace: return .progress(ProgressState(title: "Ending the grace period…"))
            case .removeSecret: return .progress(ProgressState(title: "Removing the secret at the IdP…"))
            case .applyGateway(let environment, _):
                return .progress(ProgressState(title: "Applying to \(environment)'s gateway…", cancellable: false))
            case .adoptDifference(let environment, _):
                return .progress(ProgressState(title: "Adopting in \(environment)…", cancellable: false))
            default: continue
            }
        }
        return nil
    }
}
