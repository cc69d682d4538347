import ClienteleCore

/// Environments × policies: the load, toggling and editing a cell, and the plan before anything is applied.
enum MatrixUpdate {
    static func loaded(_ state: inout AppState, _ matrix: PolicyMatrix) -> [Effect] {
        state.matrix.environments = matrix.environments
        state.matrix.assignments = matrix.assignments
        state.matrix.gateways = matrix
        state.matrix.loaded = true
        state.matrix.clamp()
        return []
    }

    static func toggle(_ state: inout AppState) -> [Effect] {
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

    static func edit(_ state: inout AppState) -> [Effect] {
        guard let environment = state.matrix.selectedEnvironment else { return [] }
        let existing = state.matrix.assignment(environment: environment, policy: state.matrix.selectedPolicy)
        state.modal = .policyForm(PolicyFormState(
            policy: state.matrix.selectedPolicy, environment: environment.name, existing: existing?.configuration))
        return []
    }

    static func planned(_ state: inout AppState, _ plan: PolicyPlan, _ request: PolicyChangeRequest) -> [Effect] {
        let destructive: Bool
        if case .remove = plan.change { destructive = true } else { destructive = false }
        state.modal = .plan(PlanPreviewState(
            title: destructive ? "Unassign \(request.policy.rawValue) from \(plan.environment.name)?"
                : "Plan for \(plan.environment.name)",
            lines: plan.lines, request: request, destructive: destructive))
        return []
    }

    static func applied(_ state: inout AppState, _ plan: PolicyPlan) -> [Effect] {
        state.modal = nil
        state.status = StatusLine(plan.lines.first ?? "applied", kind: .success)
        return ConsoleUpdate.reloadAfterChange(state)
    }
}
