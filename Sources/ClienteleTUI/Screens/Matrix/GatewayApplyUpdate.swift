import ClienteleCore

/// `a` on an environment: read its gateway for the plan, show the plan in the gateway's terms with what is left
/// alone, and apply it only after a confirmation whose default is Cancel.
enum GatewayApplyUpdate {
    static func start(_ state: inout AppState) -> [Effect] {
        guard let environment = state.matrix.selectedEnvironment else { return [] }
        return request(&state, environment: environment.name, gateway: state.matrix.gatewayName(of: environment))
    }

    static func request(_ state: inout AppState, environment: String, gateway: String?) -> [Effect] {
        guard let gateway, !gateway.isEmpty else {
            state.status = StatusLine(
                "\(environment) has no gateway: bind one with `clientele env set \(environment) --gateway NAME`",
                kind: .error)
            return []
        }
        state.modal = .progress(ProgressState(title: "Reading \(gateway)…", note: "the plan for \(environment)"))
        return [.inspectGateway(environment: environment)]
    }

    static func inspected(_ state: inout AppState, _ inspection: GatewayInspection) -> [Effect] {
        // The operator may have moved on (Esc) while the gateway was read: then the plan opens nothing.
        guard case .progress(let progress) = state.modal, !progress.cancelling else {
            if case .progress = state.modal { state.modal = nil }
            return []
        }
        let environment = inspection.environment.name
        let plan = planLines(inspection)
        let leftAlone = inspection.leftAlone.flatMap { GatewayText.lines(for: $0, mapping: inspection.mapping) }
        let aside = leftAlone.isEmpty ? [] : ["", "Left alone (not Clientele's to change):"] + leftAlone.map { "  " + $0 }
        guard !plan.isEmpty else {
            state.modal = .message(MessageState(
                title: "Nothing to apply in \(environment)",
                lines: ["\(inspection.gateway.name) already runs what the registry assigns in \(environment)."] + aside))
            return []
        }
        state.modal = .confirm(ConfirmState(
            title: "Apply to \(inspection.gateway.name) for \(environment)?",
            lines: plan + aside, confirmLabel: "Apply",
            onConfirm: [.applyGateway(environment: environment, plan: plan)]))
        return []
    }

    /// The plan as the gateway's terms put it; the effect runner compares the plan it is about to run with these
    /// same lines, so what runs is what the operator read.
    static func planLines(_ inspection: GatewayInspection) -> [String] {
        inspection.steps.flatMap { GatewayText.lines(for: $0, mapping: inspection.mapping) }
    }
}
