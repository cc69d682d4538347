import ClienteleCore
import Foundation

enum ClientsRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let clients = state.clients
        guard let index = clients.index else {
            buffer.put("Loading clients…", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        if clients.visible.isEmpty {
            let message = index.count == 0 ? "No clients in this registry yet: `clientele sync` or `clientele client add`."
                : "No client matches “\(clients.filter.text)”. Esc clears the filter."
            buffer.put(message, x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 4)
            return
        }
        let table = Table(columns(width: rect.width, sort: clients.sort))
        let wide = rect.width >= 80
        let now = state.now
        table.draw(into: &buffer, in: rect, count: clients.visible.count, cursor: clients.cursor) { row, column in
            let client = index.rows[Int(clients.visible[row])]
            let expiry = client.nextExpiry.map { Date(timeIntervalSince1970: $0) }
            switch (column, wide) {
            case (0, _):
                if clients.marked.contains(client.id) { return ("● " + client.displayName, .accent) }
                return (client.displayName, .normal)
            case (1, _): return (index.identityProviderNames[client.identityProviderId] ?? "?", .dim)
            case (2, true): return (index.environments(of: client).joined(separator: ","), .normal)
            case (3, true), (2, false): return (String(client.activeSecrets), .normal)
            case (4, true), (3, false): return (ExpiryText.day(expiry), .dim)
            default:
                return (ExpiryText.daysLeft(expiry, now: now), ExpiryText.role(expiry, now: now, thresholds: state.thresholds))
            }
        }
    }

    static func columns(width: Int, sort: ClientSort) -> [Table.Column] {
        func title(_ text: String, _ column: ClientSort) -> String { sort == column ? text + "▲" : text }
        if width >= 80 {
            return [
                Table.Column(title("Name", .name), width: 16, flexible: true),
                Table.Column(title("IdP", .identityProvider), width: width >= 110 ? 16 : 13),
                Table.Column(title("Environments", .environments), width: width >= 110 ? 26 : 17),
                Table.Column(title("Secrets", .secrets), width: 7, alignRight: true),
                Table.Column(title("Expires", .expiry), width: 10),
                Table.Column("Left", width: 6, alignRight: true),
            ]
        }
        return [
            Table.Column(title("Name", .name), width: 12, flexible: true),
            Table.Column(title("IdP", .identityProvider), width: 12),
            Table.Column(title("Sec", .secrets), width: 4, alignRight: true),
            Table.Column(title("Expires", .expiry), width: 10),
            Table.Column("Left", width: 6, alignRight: true),
        ]
    }
}
