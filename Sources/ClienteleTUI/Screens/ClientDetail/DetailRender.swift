import ClienteleCore
import Foundation

enum DetailRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        guard let detail = state.detail.detail, detail.client.id == state.detail.clientRowId else {
            buffer.put(state.detail.clientRowId == nil ? "No client selected." : "Loading client…",
                       x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        let client = detail.client
        var y = rect.y
        var x = rect.x + 1
        x += buffer.put(client.displayName, x: x, y: y, role: .title, maxWidth: rect.width - 2)
        // A gateway that keeps this client's credentials itself is where they are rotated and fixed: say so first.
        let holder = detail.identityProvider.kind == .gateway ? "secrets held by \(HolderText.of(detail.identityProvider))"
            : HolderText.of(detail.identityProvider)
        let facts = [holder, client.ownerTeam.map { "owner \($0)" }].compactMap { $0 }
        buffer.put("  " + facts.joined(separator: " · "), x: x, y: y, role: .dim, maxWidth: rect.maxX - x - 1)
        y += 1
        buffer.put(" client id \(client.clientId)", x: rect.x, y: y, role: .dim, maxWidth: rect.width - 1)
        y += 1

        // Secrets take what they need (up to half the screen); the rest goes to environments, policies, events.
        let secretRows = min(detail.secrets.count, max(2, (rect.height - 5) / 2))
        let tableRect = Rect(x: rect.x, y: y, width: rect.width, height: secretRows + 1)
        let now = state.now
        let wide = rect.width >= 90
        var columns = [
            Table.Column("Key id", width: 8), Table.Column("Hint", width: 5),
            Table.Column("Expires", width: 10), Table.Column("Left", width: 6, alignRight: true),
            Table.Column("", width: 10), Table.Column("State", width: 14, flexible: true),
        ]
        // Last use decides whether an old secret may go; "no sign-in recorded" is the widest it reads. Below 70
        // columns it would only be cut to nothing.
        let showsLastUse = rect.width >= 70
        if showsLastUse { columns.append(Table.Column("Last used", width: wide ? 19 : 10)) }
        if wide { columns.insert(Table.Column("Created", width: 10), at: 2) }
        if detail.secrets.isEmpty {
            buffer.put("No secrets recorded.", x: rect.x + 2, y: y, role: .dim)
            y += 1
        } else {
            Table(columns).draw(into: &buffer, in: tableRect, count: detail.secrets.count, cursor: state.detail.cursor) {
                row, column in
                let secret = detail.secrets[row]
                let role = ExpiryText.role(secret.expiresAt, now: now, thresholds: state.thresholds)
                let retired = secret.state == .removed
                let cells: [(String, StyleRole)] = [
                    (String(secret.keyId.prefix(8)), .dim), (secret.hint + "…", .normal),
                ] + (wide ? [(ExpiryText.day(secret.createdAt), .dim)] : []) + [
                    (ExpiryText.day(secret.expiresAt), .normal),
                    (retired ? "" : ExpiryText.daysLeft(secret.expiresAt, now: now), retired ? .dim : role),
                    (retired ? "" : ExpiryText.bar(secret.expiresAt, now: now), retired ? .dim : role),
                    (stateText(secret), secret.state == .grace ? .warning : retired ? .dim : .ok),
                ] + (showsLastUse ? [lastUseCell(secret.lastUse(unavailable: detail.identityProvider.usageUnavailable), now: now)] : [])
                return cells[column]
            }
            y += tableRect.height
        }
        y += 1
        guard y < rect.maxY else { return }
        let environments = detail.environments.map(\.name)
        buffer.put(" Environments: ", x: rect.x, y: y, role: .header)
        buffer.put(environments.isEmpty ? "none" : environments.joined(separator: ", "), x: rect.x + 16, y: y,
                   maxWidth: rect.width - 17)
        y += 1
        for environment in detail.environments where y < rect.maxY {
            let policies = detail.policies.filter { $0.environment.id == environment.id }
                .sorted { $0.assignment.position < $1.assignment.position }
                .map { "\($0.assignment.position). \($0.assignment.label)" }
            buffer.put("   \(environment.name): ", x: rect.x, y: y, role: .accent)
            buffer.put(policies.isEmpty ? "no policies" : policies.joined(separator: "  "),
                       x: rect.x + 5 + DisplayWidth.of(environment.name), y: y, role: policies.isEmpty ? .dim : .normal,
                       maxWidth: rect.width - 6 - DisplayWidth.of(environment.name))
            y += 1
        }
        y = DetailGatewayAppsRender.draw(&buffer, detail, from: y, in: rect)
        y += 1
        guard y < rect.maxY else { return }
        buffer.put(" Recent events", x: rect.x, y: y, role: .header)
        y += 1
        if detail.recentEvents.isEmpty && y < rect.maxY {
            buffer.put("   none in the audit trail for this client yet", x: rect.x, y: y, role: .dim, maxWidth: rect.width)
        }
        for event in detail.recentEvents where y < rect.maxY {
            let text = "\(ExpiryText.minute(event.at))  \(event.action)  by \(event.attributedActor)"
            buffer.put("   " + text, x: rect.x, y: y, role: .dim, maxWidth: rect.width)
            y += 1
        }
    }

    static func stateText(_ secret: SecretMetadata) -> String {
        switch secret.state {
        case .grace: return "grace until \(ExpiryText.day(secret.graceUntil))"
        case .removed: return "removed \(ExpiryText.day(secret.removedAt))"
        case .active: return "active"
        case .pending: return "pending"
        }
    }

    /// A recent use stands out (a caller still sends it); no record, or no way to know, is dim.
    static func lastUseCell(_ lastUse: SecretLastUse, now: Date) -> (String, StyleRole) {
        switch lastUse {
        case .usedAt: return (lastUse.columnText(now: now), .normal)
        case .noUseRecorded, .unknown: return (lastUse.columnText(now: now), .dim)
        }
    }
}
