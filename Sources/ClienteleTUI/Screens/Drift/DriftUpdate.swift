import ClienteleCore

/// The Drift screen: the reads' answers (policies, client apps recorded and read), both sides of a difference, and
/// pushing or adopting a policy difference.
enum DriftUpdate {
    static func loaded(_ state: inout AppState, _ reports: [GatewayDriftReport]) -> [Effect] {
        state.drift.show(reports, page: Layout.tableRows(state.size))
        return []
    }

    static func recorded(_ state: inout AppState, _ differences: [GatewayAppDifference]) -> [Effect] {
        state.drift.showRecorded(differences, page: Layout.tableRows(state.size))
        return []
    }

    static func read(_ state: inout AppState, _ reports: [GatewayAppReport]) -> [Effect] {
        state.drift.showRead(reports, page: Layout.tableRows(state.size))
        return []
    }

    /// The policy difference under the cursor, or nil and a status line that says there is none (or, on a
    /// client-app row, what resolves it instead).
    static func selected(_ state: inout AppState) -> (GatewayDriftReport, GatewayDifference)? {
        if let app = state.drift.selectedApp {
            state.status = StatusLine("push and adopt are for policy differences; for this client app: "
                                      + ClientAppDifferenceText.remedy(app), kind: .error)
            return nil
        }
        guard let selected = state.drift.selected else {
            state.status = StatusLine("no difference selected")
            return nil
        }
        return (selected.report, selected.difference)
    }

    /// Both sides of the selected policy difference, each field theirs vs ours; everything about a client app's.
    static func open(_ state: inout AppState) -> [Effect] {
        if let app = state.drift.selectedApp {
            state.modal = .message(MessageState(
                title: "\(app.environment) · \(app.gateway) · \(app.app ?? app.client ?? app.clientId ?? "client app")",
                lines: ClientAppDifferenceText.lines(app, readonly: state.readonly)))
            return []
        }
        guard case let (report, difference)? = selected(&state) else { return [] }
        state.modal = .message(MessageState(
            title: "\(report.environment) · \(difference.apiName) · \(difference.element)",
            lines: DifferenceText.bothSides(difference, in: report, readonly: state.readonly)))
        return []
    }

    /// Pushing is applying the difference's environment: the plan, then a confirmation whose default is Cancel.
    static func push(_ state: inout AppState) -> [Effect] {
        guard case let (report, difference)? = selected(&state) else { return [] }
        if let why = difference.whyNotPushable {
            state.status = StatusLine(why, kind: .error)
            return []
        }
        return GatewayApplyUpdate.request(&state, environment: report.environment, gateway: report.gateway)
    }

    static func adopt(_ state: inout AppState) -> [Effect] {
        guard case let (report, difference)? = selected(&state) else { return [] }
        if let why = difference.whyNotAdoptable {
            state.status = StatusLine(why, kind: .error)
            return []
        }
        let subject = DifferenceText.summary(difference, in: report)
        state.modal = .confirm(ConfirmState(
            title: "Adopt the gateway's side in \(report.environment)?",
            lines: [subject, "",
                    "The registry's assignments in \(report.environment) change to what \(report.gateway) runs, with audit events; the gateway is not touched."],
            confirmLabel: "Adopt", onConfirm: [.adoptDifference(environment: report.environment, difference)]))
        return []
    }
}
