import ClienteleCore

/// The audit trail: loads as the filter changes, and verifying the hash chain.
enum AuditUpdate {
    static func loaded(_ state: inout AppState, _ events: [AuditEvent], query: String) -> [Effect] {
        // Loads run side by side as the operator types; an answer for an older filter text is stale.
        guard query == state.audit.filter.text else { return [] }
        state.audit.events = events
        state.audit.loadedQuery = query
        state.audit.cursor.clamp(count: events.count, page: Layout.tableRows(state.size))
        return []
    }

    static func verified(_ state: inout AppState, _ verification: AuditVerification) -> [Effect] {
        state.audit.verification = verification
        switch verification {
        case .intact(let events):
            state.status = StatusLine("audit trail intact: \(events) events verified", kind: .success)
        case .broken(let eventId, _, let reason):
            state.status = StatusLine("audit trail broken at #\(eventId): \(reason)", kind: .error)
        }
        return []
    }

    static func verify(_ state: inout AppState) -> [Effect] {
        state.status = StatusLine("verifying the audit trail…")
        return [.verifyAudit]
    }

    /// Keys the filter field takes while it is being edited; nil when it did not take the key.
    static func filterKey(_ state: inout AppState, _ key: KeyEvent) -> [Effect]? {
        guard state.audit.filterEditing else { return nil }
        switch key {
        case .enter:
            state.audit.filterEditing = false
            return [.loadAudit(query: state.audit.filter.text)]
        case .escape:
            state.audit.filterEditing = false
            state.audit.filter = TextField()
            return [.loadAudit(query: "")]
        default:
            let before = state.audit.filter.text
            guard state.audit.filter.handle(key) else { return nil }
            return state.audit.filter.text == before ? [] : [.loadAudit(query: state.audit.filter.text)]
        }
    }

    /// Esc clears a filter first; nil when there is none.
    static func back(_ state: inout AppState) -> [Effect]? {
        guard !state.audit.filter.text.isEmpty else { return nil }
        state.audit.filter = TextField()
        return [.loadAudit(query: "")]
    }
}
