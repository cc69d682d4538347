import ClienteleCore
import Foundation

enum AuditRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let audit = state.audit
        guard audit.loadedQuery != nil else {
            buffer.put("Loading the audit trail…", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        var area = rect
        if case .broken(let eventId, _, let reason)? = audit.verification {
            // The break stays in view above the list, whatever is scrolled, and its row is marked below.
            buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .marker)
            buffer.put(" ✗ chain broken at #\(eventId): \(reason)", x: rect.x, y: rect.y, role: .marker,
                       maxWidth: rect.width)
            area = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        } else if case .intact(let count)? = audit.verification {
            buffer.put(" ✓ chain intact (\(count) events)", x: rect.x, y: rect.y, role: .success, maxWidth: rect.width)
            area = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        }
        guard !audit.events.isEmpty else {
            buffer.put(audit.filter.text.isEmpty ? "The audit trail is empty." : "No event mentions “\(audit.filter.text)”.",
                       x: area.x + 2, y: area.y + 1, role: .dim, maxWidth: area.width - 4)
            return
        }
        let wide = rect.width >= 100
        var columns = [
            Table.Column("#", width: 6, alignRight: true), Table.Column("When", width: 16),
            Table.Column("Action", width: wide ? 26 : 20), Table.Column("Subject", width: 16, flexible: true),
        ]
        if wide {
            columns.insert(Table.Column("Actor", width: 18), at: 2)
            columns.append(Table.Column("Details", width: 30))
        }
        let breakId = audit.breakEventId
        Table(columns).draw(into: &buffer, in: area, count: audit.events.count, cursor: audit.cursor) { row, column in
            let event = audit.events[row]
            let broken = breakId == event.id
            var cells: [(String, StyleRole)] = [
                ((broken ? "✗" : "") + "#\(event.id ?? 0)", broken ? .marker : .dim), (ExpiryText.minute(event.at), .dim),
            ]
            if wide { cells.append((event.attributedActor, .dim)) }
            cells.append((event.action, event.action.hasPrefix("rotation") ? .accent : .normal))
            cells.append((event.subject, .normal))
            if wide { cells.append((event.detailPairs.map { "\($0)=\($1)" }.joined(separator: " "), .dim)) }
            return cells[column]
        }
    }
}
