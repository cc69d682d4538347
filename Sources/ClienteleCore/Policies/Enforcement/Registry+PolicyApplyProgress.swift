import Foundation

/// The audit event a fenced write of an apply's progress adds, about the apply's environment at its gateway.
struct PolicyApplyEvent: Sendable {
    var action: String
    var details: [String: String]
    var environmentName: String
    var gatewayName: String
}

/// An apply's progress, each write fenced by its lease in the same transaction, with its audit event: a process
/// that lost the lease writes nothing, and each operation answers nil.
extension Registry {
    /// Changes the apply itself (state, last error, what was applied), never its steps.
    func changePolicyApply(
        _ lease: FencedLease, event: PolicyApplyEvent?, _ change: (inout PolicyApply) throws -> Void
    ) throws -> PolicyApply? {
        try fencedPolicyApplyWrite(lease, event: event) { transaction, now in
            guard var apply = try transaction.record(PolicyApply.self, id: lease.record.id) else {
                throw ClienteleError.notFound("no \(lease.record)")
            }
            try change(&apply)
            apply.updatedAt = now
            try transaction.update(apply)
            return apply
        }
    }

    /// Records how far one step got, writing only that step's row.
    func markPolicyApplyStep(
        _ lease: FencedLease, position: Int, _ state: RecordedStep.State, remoteId: String?, event: PolicyApplyEvent?
    ) throws -> Bool {
        try fencedPolicyApplyWrite(lease, event: event) { transaction, _ in
            try transaction.execute(
                "UPDATE policyApplyStep SET state = ?, remoteId = COALESCE(?, remoteId) WHERE applyId = ? AND position = ?",
                [state.storeValue, remoteId.storeValue, .integer(lease.record.id), .integer(Int64(position))])
            return true
        } ?? false
    }

    /// Replaces the steps still to do (a resumed apply, planned afresh).
    func replacePolicyApplySteps(_ lease: FencedLease, with steps: [RecordedStep], event: PolicyApplyEvent?) throws
        -> Bool
    {
        try fencedPolicyApplyWrite(lease, event: event) { transaction, _ in
            try Self.replaceSteps(transaction, of: lease.record.id, with: steps)
            return true
        } ?? false
    }

    private func fencedPolicyApplyWrite<T>(
        _ lease: FencedLease, event: PolicyApplyEvent?, _ body: (StoreTransaction, Date) throws -> T
    ) throws -> T? {
        let now = clock.now
        let record = lease.record
        let owner = lease.owner
        let term = lease.term
        return try write { transaction in
            // The compare-and-set that fences the write: extending our own lease succeeds only while we hold it.
            guard try Self.renewLease(transaction, record, owner: owner, term: term)
            else { return nil }
            let result = try body(transaction, now)
            if let event {
                let actor = try transaction.string("SELECT actor FROM policyApply WHERE id = ?", record.id) ?? ""
                var details = event.details
                details["gateway"] = event.gatewayName
                details["apply"] = String(record.id)
                try AuditTrail.append(transaction, at: now, actor: actor, action: event.action,
                                      subject: "environment \(event.environmentName)", details: details)
            }
            return result
        }
    }
}
