import ClienteleCore

/// The client page's gateway side: each app at a gateway (where, what, linked or holding the secrets, its state
/// when last checked, and why), then the APIs the registry gives the client. Nothing is drawn for a client no
/// gateway knows and the registry grants nothing, so such a page stays as it was.
enum DetailGatewayAppsRender {
    /// Draws from `y` (after a blank line) and returns the row after the last one drawn.
    static func draw(_ buffer: inout CellBuffer, _ detail: ClientDetail, from start: Int, in rect: Rect) -> Int {
        guard !detail.gatewayApps.isEmpty || !detail.access.isEmpty else { return start }
        var y = start + 1
        guard y < rect.maxY else { return y }
        buffer.put(" Gateway apps", x: rect.x, y: y, role: .header)
        if detail.gatewayApps.isEmpty {
            buffer.put("  none recorded (`clientele gateway sync` reads them)", x: rect.x + 13, y: y, role: .dim,
                       maxWidth: rect.width - 14)
        }
        y += 1
        for app in detail.gatewayApps where y < rect.maxY {
            let drifted = app.findings.contains { $0.kind.isDrift }
            // The state goes last but is never the part cut off: the place shrinks first.
            let state = " · " + app.state
            let stateWidth = min(DisplayWidth.of(state), max(0, rect.width - 12))
            let environments = app.environments.isEmpty ? "no environment" : app.environments.joined(separator: ", ")
            let place = "   \(environments): \(app.gateway) \(app.app) (\(role(app)))"
            let used = buffer.put(place, x: rect.x, y: y, maxWidth: max(1, rect.width - 1 - stateWidth))
            buffer.put(state, x: rect.x + used, y: y, role: drifted ? .warning : app.findings.isEmpty ? .ok : .notice,
                       maxWidth: rect.maxX - rect.x - used - 1)
            y += 1
            // The why runs long (it names the IdP, the client and the fix): up to three lines, the last cut.
            for finding in app.findings {
                let wrapped = DialogRender.wrap(["\(finding.kind.label): \(finding.detail)"], width: rect.width - 6)
                for line in wrapped.prefix(3) where y < rect.maxY {
                    buffer.put("     " + line, x: rect.x, y: y, role: finding.kind.isDrift ? .warning : .dim,
                               maxWidth: rect.width - 1)
                    y += 1
                }
            }
        }
        guard y < rect.maxY else { return y }
        buffer.put(" Access: ", x: rect.x, y: y, role: .header)
        buffer.put(access(detail.access), x: rect.x + 9, y: y, role: detail.access.isEmpty ? .dim : .normal,
                   maxWidth: rect.width - 10)
        return y + 1
    }

    /// Linked by client id (the IdP's secret counts), or the gateway's own credential.
    static func role(_ app: ClientGatewayApp) -> String {
        if app.holdsSecrets { return "holds its secrets" }
        return app.showsSecretCopy ? "linked, shows a copy of the secret" : "linked by client id"
    }

    /// "Sandbox orders-api, payments-api · Dev orders-api".
    static func access(_ access: [ClientAPIAccess]) -> String {
        guard !access.isEmpty else { return "no API granted (`clientele client grant`)" }
        var order: [String] = []
        var apis: [String: [String]] = [:]
        for grant in access {
            if apis[grant.environment] == nil { order.append(grant.environment) }
            apis[grant.environment, default: []].append(grant.api)
        }
        return order.map { "\($0) \(apis[$0]!.joined(separator: ", "))" }.joined(separator: " · ")
    }
}
