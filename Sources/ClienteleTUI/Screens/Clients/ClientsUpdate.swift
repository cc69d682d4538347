import ClienteleCore

extension ClientsState {
    /// Handles a key while the filter field is being edited. Returns nil when the field did not take it.
    mutating func updateFilter(_ key: KeyEvent, page: Int) -> Bool {
        switch key {
        case .enter:
            filterEditing = false
            return true
        case .escape:
            filterEditing = false
            filter = TextField()
            refilter(page: page)
            return true
        case .up, .down, .pageUp, .pageDown:
            return false
        default:
            let before = filter.text
            guard filter.handle(key) else { return false }
            if filter.text != before {
                cursor.selected = 0
                refilter(page: page)
            }
            return true
        }
    }

    mutating func cycleSort(page: Int) {
        sort = sort.next
        descending = false
        rebuild(page: page)
    }

    mutating func reverseSort(page: Int) {
        descending.toggle()
        rebuild(page: page)
    }
}

/// The clients list's part of the update: its loads, its keys and where Enter goes.
enum ClientsUpdate {
    static func loaded(_ state: inout AppState, _ index: ClientIndex) -> [Effect] {
        state.clients.load(index, page: Layout.tableRows(state.size))
        return []
    }

    /// Other processes' changes to the list: patched in place, or the list read again when that is what they ask.
    static func changed(_ state: inout AppState, _ changes: ConsoleClientChanges) -> [Effect] {
        guard state.clients.index?.complete == true, case .rows(let changed, let removed) = changes else {
            return [ConsoleUpdate.reloadClients(state)]
        }
        guard !changed.isEmpty || !removed.isEmpty else { return [] }
        let page = Layout.tableRows(state.size)
        // No binding of the index before this, so the state holds its rows alone and they change in place.
        if removed.isEmpty, state.clients.replaceInPlace(changed, page: page) { return [] }
        guard let index = state.clients.index else { return [] }
        state.clients.marked.subtract(removed)
        state.clients.load(index.applying(changed: changed, removed: removed), page: page)
        return []
    }

    static func loading(_ state: inout AppState, done: Int, total: Int) -> [Effect] {
        if state.clients.isLoadingRest { state.clients.loadProgress = Double(done) / Double(max(total, 1)) }
        return []
    }

    /// Keys the filter field takes while it is being edited; nil when it did not take the key.
    static func filterKey(_ state: inout AppState, _ key: KeyEvent) -> [Effect]? {
        guard state.clients.filterEditing, state.clients.updateFilter(key, page: Layout.tableRows(state.size)) else {
            return nil
        }
        return []
    }

    static func sort(_ state: inout AppState) -> [Effect] {
        state.clients.cycleSort(page: Layout.tableRows(state.size))
        state.status = StatusLine("sorted by \(state.clients.sort.label)")
        return []
    }

    /// Esc on the list: stops a load first, then clears the filter and environment; nil when there is neither.
    static func back(_ state: inout AppState) -> [Effect]? {
        if state.clients.isLoadingRest {
            state.clients.loadStopped = true
            state.clients.loadProgress = nil
            state.status = StatusLine(
                "stopped loading: the first \(state.clients.index?.count ?? 0) clients by name are shown; ctrl-r loads them all")
            return [.cancelClientLoad]
        }
        if !state.clients.filter.text.isEmpty || state.clients.environment != nil {
            state.clients.filter = TextField()
            state.clients.environment = nil
            state.clients.rebuild(page: Layout.tableRows(state.size))
            return []
        }
        return nil
    }

    /// Space: marks or unmarks the selected client and moves on, so a run of spaces marks a run of rows.
    static func mark(_ state: inout AppState) -> [Effect] {
        guard let row = state.clients.selectedRow else { return [] }
        if state.clients.marked.remove(row.id) == nil { state.clients.marked.insert(row.id) }
        _ = state.clients.cursor.move(.down, count: state.clients.visible.count, page: Layout.tableRows(state.size))
        return []
    }

    /// The marked clients in the order the list shows them, then any marked ones the filter hides.
    static func markedInOrder(_ state: AppState) -> [Int64] {
        guard let index = state.clients.index else { return state.clients.marked.sorted() }
        let shown = state.clients.visible.map { index.rows[Int($0)].id }.filter { state.clients.marked.contains($0) }
        return shown + state.clients.marked.subtracting(shown).sorted()
    }

    static func open(_ state: inout AppState) -> [Effect] {
        guard let row = state.clients.selectedRow else { return [] }
        return ConsoleUpdate.openDetail(&state, row.id)
    }
}
