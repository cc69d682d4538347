import ClienteleCore

/// The policy form: one field per configuration key of the core's schema, validated as the operator types; Enter
/// asks for the plan.
enum PolicyFormUpdate {
    static func handleKey(_ state: inout AppState, _ form: inout PolicyFormState, _ key: KeyEvent) -> [Effect] {
        let stops = form.values.count + 2
        defer { if case .policyForm = state.modal { state.modal = .policyForm(form) } }
        switch state.keymap.dialogCommand(for: key, in: .policyForm) {
        case .close?:
            state.modal = nil
            return []
        case .nextField?:
            form.focus = (form.focus + 1) % stops
            return []
        case .previousField?:
            form.focus = (form.focus + stops - 1) % stops
            return []
        case .submit?:
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
                if state.keymap.dialogCommand(for: key, in: .choice) != nil {
                    form.focus = form.focus == form.previewButton ? form.cancelButton : form.previewButton
                }
                return []
            }
            if form.values[form.focus].handle(key) { form.error = form.validate() }
            return []
        }
    }
}
