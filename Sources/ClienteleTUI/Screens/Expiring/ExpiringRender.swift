import ClienteleCore
import Foundation

enum ExpiringRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let expiring = state.expiring
        guard expiring.loaded else {
            buffer.put("Loading expiring secrets…", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        guard !expiring.rows.isEmpty else {
            buffer.put("Nothing expires in the next 90 days.", x: rect.x + 2, y: rect.y + 1, role: .ok)
            return
        }
        let wide = rect.width >= 80
        var columns = [
            Table.Column("Left", width: 6, alignRight: true), Table.Column("Expires", width: 10),
            Table.Column("Client", width: 14, flexible: true), Table.Column("Held by", width: wide ? 22 : 14),
        ]
        if wide { columns.append(Table.Column("Key", width: 8)) }
        // Last use gives way to the policy below 100 columns: what happens next matters more than what happened.
        let lastUsedColumn = wide && (expiring.policies.isEmpty || rect.width >= 100) ? columns.count : nil
        if lastUsedColumn != nil { columns.append(Table.Column("Last used", width: 19)) }
        // Only where a policy exists, so a registry without schedules keeps its columns.
        let policyColumn = expiring.policies.isEmpty ? nil : columns.count
        if policyColumn != nil { columns.append(Table.Column("Policy", width: wide ? 16 : 10)) }
        let now = state.now
        let width = rect.width
        Table(columns).draw(into: &buffer, in: rect, count: expiring.rows.count, cursor: expiring.cursor) { row, column in
            switch expiring.rows[row] {
            case .group(let title, let count, let role):
                // Headings are drawn across the whole row below; the cells stay blank.
                _ = (title, count, width)
                return ("", role)
            case .item(let secret):
                let role = ExpiryText.role(secret.expiresAt, now: now, thresholds: state.thresholds)
                if column == policyColumn {
                    return (secret.clientRowId.flatMap { expiring.policies[$0] }.map { PolicyText.short($0, now: now, narrow: !wide) } ?? "", .accent)
                }
                switch column {
                case 0: return (ExpiryText.daysLeft(secret.expiresAt, now: now), role)
                case 1: return (ExpiryText.day(secret.expiresAt), .dim)
                case 2: return (secret.client, secret.kind == .adminCredential ? .accent : .normal)
                case 3:
                    let holder = HolderText.column(secret.identityProvider, gatewayHolders: expiring.gatewayHolders)
                    return (holder, .dim)
                case 4: return (secret.keyId.map { String($0.prefix(8)) } ?? "admin", .dim)
                case lastUsedColumn: return secret.lastUse.map { DetailRender.lastUseCell($0, now: now) } ?? ("-", .dim)
                default: return ("", .normal)
                }
            }
        }
        for line in 0..<max(0, rect.height - 1) {
            let row = expiring.cursor.offset + line
            guard row < expiring.rows.count, case .group(let title, let count, let role) = expiring.rows[row] else { continue }
            let y = rect.y + 1 + line
            buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1))
            let text = "── \(title) (\(count)) "
            let used = buffer.put(text, x: rect.x + 1, y: y, role: role)
            buffer.put(String(repeating: "─", count: max(0, rect.width - used - 2)), x: rect.x + 1 + used, y: y, role: .border)
        }
    }
}
