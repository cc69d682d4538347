import ClienteleCore
import Foundation

enum RotationsRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let rotations = state.rotations
        guard rotations.loaded else {
            buffer.put("Loading rotations…", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        guard !rotations.listings.isEmpty else {
            buffer.put("No rotations yet. Press r on a client to rotate its secret.", x: rect.x + 2, y: rect.y + 1,
                       role: .dim, maxWidth: rect.width - 4)
            return
        }
        let wide = rect.width >= 100
        var columns = [
            Table.Column("#", width: 5, alignRight: true), Table.Column("Client", width: 14, flexible: true),
            Table.Column("Step", width: 14), Table.Column("Grace / note", width: wide ? 30 : 22),
        ]
        if wide { columns.insert(Table.Column("IdP", width: 14), at: 2) }
        if rect.width >= 80 { columns.append(Table.Column("Started", width: 16)) }
        let now = state.now
        Table(columns).draw(into: &buffer, in: rect, count: rotations.listings.count, cursor: rotations.cursor) {
            row, column in
            let listing = rotations.listings[row]
            let rotation = listing.rotation
            var cells: [(String, StyleRole)] = [
                ("#\(rotation.id ?? 0)", .dim), (listing.clientName, .normal),
            ]
            if wide { cells.append((listing.identityProvider, .dim)) }
            let stepRole: StyleRole = rotation.step == .failed ? .danger : rotation.step == .done ? .dim
                : rotation.step == .grace ? .warning : .accent
            cells.append((rotation.step.label + (rotation.runningStep != nil ? "…" : ""), stepRole))
            cells.append(note(listing, now: now))
            cells.append((ExpiryText.minute(rotation.createdAt), .dim))
            return column < cells.count ? cells[column] : ("", .normal)
        }
    }

    static func note(_ listing: RotationListing, now: Date) -> (String, StyleRole) {
        let rotation = listing.rotation
        if let failure = rotation.failureReason { return (failure, .danger) }
        if rotation.step == .grace, rotation.heldKeyId != nil, let use = listing.retiringUse {
            // The key id is in the end-grace dialog and on the client page; the column has room for the when.
            let used = "used \(ElapsedText.since(use.at, now: now))"
            guard let until = rotation.graceUntil else { return ("held: \(used); E ends it", .danger) }
            guard until > now else { return ("held: \(used); advance", .danger) }
            return ("held \(ExpiryText.remaining(until.timeIntervalSince(now))): \(used)", .danger)
        }
        if rotation.step == .grace, let until = rotation.graceUntil {
            return until > now ? ("grace \(ExpiryText.remaining(until.timeIntervalSince(now))) left", .warning)
                : ("grace over: advance to finish", .accent)
        }
        if let error = rotation.lastError { return (error, .warning) }
        return (rotation.isOpen ? "delivery: \(rotation.delivery)" : "", .dim)
    }
}
