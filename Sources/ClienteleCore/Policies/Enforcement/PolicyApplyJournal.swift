import Foundation

/// Writes an apply's progress through the registry's fenced operations: a process that lost the lease writes
/// nothing and learns who holds it now.
struct PolicyApplyJournal: Sendable {
    let registry: Registry
    let lease: FencedLease
    let environment: Environment
    let gateway: Gateway

    /// Changes the apply itself (state, last error, what was applied), never its steps.
    @discardableResult
    func record(
        action: String? = nil, details: [String: String] = [:], _ change: (inout PolicyApply) throws -> Void
    ) throws -> PolicyApply {
        guard let apply = try registry.changePolicyApply(lease, event: event(action, details), change) else {
            throw lease.markLost()
        }
        return apply
    }

    /// Records how far one step got (and, when it is done, its audit event).
    func mark(step position: Int, _ state: RecordedStep.State, remoteId: String? = nil, action: String? = nil,
              details: [String: String] = [:]) throws
    {
        guard try registry.markPolicyApplyStep(
            lease, position: position, state, remoteId: remoteId, event: event(action, details))
        else { throw lease.markLost() }
    }

    /// Replaces the steps still to do (a resumed apply, planned afresh).
    func replaceSteps(_ steps: [RecordedStep], action: String?, details: [String: String]) throws {
        guard try registry.replacePolicyApplySteps(lease, with: steps, event: event(action, details)) else {
            throw lease.markLost()
        }
    }

    private func event(_ action: String?, _ details: [String: String]) -> PolicyApplyEvent? {
        action.map {
            PolicyApplyEvent(action: $0, details: details, environmentName: environment.name, gatewayName: gateway.name)
        }
    }
}
