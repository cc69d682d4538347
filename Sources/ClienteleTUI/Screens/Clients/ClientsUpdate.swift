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
