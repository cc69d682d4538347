import ClienteleCore

/// The clients list: the index, the current sort and filter, and what is visible.
public struct ClientsState: Sendable {
    public var index: ClientIndex?
    public var sort: ClientSort = .name
    public var descending = false
    /// Narrowed to one environment by `:env NAME`.
    public var environment: String?
    public var filter = TextField()
    public var filterEditing = false
    public var cursor = ListCursor()
    /// Clients marked with space, by row id: `r` rotates them as one set.
    public var marked: Set<Int64> = []
    /// How far loading the whole index has got (0…1), while it loads.
    public var loadProgress: Double?
    /// The operator stopped the load with Esc: only the first page is here until ctrl-r.
    public var loadStopped = false
    /// Rows in sort order, narrowed to the environment.
    public private(set) var base: [Int32] = []
    /// Rows matching `poolQuery`, in sort order: a longer query only ever narrows it, so typing scans less.
    private var pool: [Int32] = []
    private var poolQuery: [UInt8] = []
    /// Rows shown: substring matches first, then fuzzy ones.
    public private(set) var visible: [Int32] = []
    /// Results for the prefixes of the current query, so Backspace restores instead of rescanning.
    private var recent: [(query: [UInt8], pool: [Int32], visible: [Int32])] = []

    public init() {}

    public var isLoading: Bool { index == nil }

    /// The first page is shown and the rest is still coming.
    public var isLoadingRest: Bool { !loadStopped && index.map { !$0.complete } ?? false }

    public var selectedRow: ConsoleClientRow? {
        guard let index, cursor.selected < visible.count else { return nil }
        return index.rows[Int(visible[cursor.selected])]
    }

    /// Takes a freshly loaded index, keeping the selected client selected.
    public mutating func load(_ newIndex: ClientIndex, page: Int) {
        let keep = selectedRow?.id
        index = newIndex
        if newIndex.complete {
            loadProgress = nil
            loadStopped = false
        }
        rebuild(page: page, keeping: keep)
    }

    /// Other processes' changes to rows already listed, applied to the index where it lies (so at 100k clients a
    /// one-row change copies nothing); false when they need `load` of a patched index instead (a row new, gone or
    /// renamed). The order is rebuilt only when the sort or the environment narrowing may see the change.
    public mutating func replaceInPlace(_ changed: [ConsoleClientRow], page: Int) -> Bool {
        guard var held = index else { return false }
        // Let go of the state's reference first, so the rows are held once and change without a copy.
        index = nil
        let replaced = held.replaceInPlace(changed)
        index = held
        if replaced && (sort != .name || environment != nil) { rebuild(page: page) }
        return replaced
    }

    /// Rebuilds sort order and filter, keeping the selected client selected.
    public mutating func rebuild(page: Int) {
        rebuild(page: page, keeping: selectedRow?.id)
    }

    private mutating func rebuild(page: Int, keeping keep: Int64?) {
        guard let index else {
            base = []
            pool = []
            visible = []
            return
        }
        var order = index.order(by: sort, descending: descending)
        if let environment,
            let id = index.environmentNames.first(where: { $0.value.caseInsensitiveCompare(environment) == .orderedSame })?.key
        {
            order = order.filter { index.rows[Int($0)].environmentIds.contains(id) }
        }
        base = order
        pool = []
        poolQuery = []
        recent = []
        refilter(page: page)
        if let keep, let position = visible.firstIndex(where: { index.rows[Int($0)].id == keep }) {
            cursor.selected = position
            cursor.clamp(count: visible.count, page: page)
        }
    }

    /// Applies the filter text. Called on every keystroke in the filter field; narrows the previous result when the
    /// query only grew.
    public mutating func refilter(page: Int) {
        guard let index else { return }
        let query = ClientIndex.queryBytes(filter.text)
        if query.isEmpty {
            visible = base
            pool = base
            poolQuery = []
            recent = []
        } else if let cached = recent.last(where: { $0.query == query }) {
            // Backspace back to an earlier prefix.
            visible = cached.visible
            pool = cached.pool
            poolQuery = query
            recent.removeAll { !query.starts(with: $0.query) }
        } else {
            recent.removeAll { !query.starts(with: $0.query) }
            let narrowing = !poolQuery.isEmpty && query.starts(with: poolQuery)
            let (substring, fuzzy) = index.matches(query, in: narrowing ? pool : base)
            visible = substring + fuzzy
            // The pool must stay in sort order for the next narrowing.
            pool = fuzzy.isEmpty ? substring : mergeInOrder(substring, fuzzy, candidates: narrowing ? pool : base)
            poolQuery = query
            recent.append((query, pool, visible))
            if recent.count > 32 { recent.removeFirst() }
        }
        cursor.clamp(count: visible.count, page: page)
    }

    private func mergeInOrder(_ a: [Int32], _ b: [Int32], candidates: [Int32]) -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        // Both lists are subsequences of `candidates`; walking it restores the common order.
        for row in candidates {
            if i < a.count && a[i] == row { result.append(row); i += 1 }
            else if j < b.count && b[j] == row { result.append(row); j += 1 }
            if i == a.count && j == b.count { break }
        }
        return result
    }
}
