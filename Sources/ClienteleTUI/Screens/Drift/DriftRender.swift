import ClienteleCore

enum DriftRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let drift = state.drift
        if let reports = drift.reports, reports.isEmpty, drift.apps.isEmpty {
            buffer.put("No environment is bound to a gateway: `clientele env set NAME --gateway GATEWAY`.",
                       x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 2)
            return
        }
        let notRead = drift.reading ? "Reading every bound environment's gateway…" : "Not read yet: ctrl-r reads the gateways."
        if drift.reports == nil && drift.apps.isEmpty {
            buffer.put(notRead, x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 2)
            return
        }
        // Recorded client-app findings show before the policy read answers: say the policies are still to come.
        var lines: [(String, StyleRole)] = drift.reports == nil ? [(" " + notRead, .dim)] : []
        // The list, then the selected row's detail and keys (or why they are not offered).
        var selectedLine: Int?
        let selected = drift.selectedItem
        func add(_ item: DriftState.Item, _ text: String, _ role: StyleRole) {
            if item == selected { selectedLine = lines.count }
            lines.append(("   " + text, item == selected ? .selected : role))
        }
        for section in drift.sections {
            let report = section.report.map { drift.reports![$0] }
            let gateway = section.gateway.isEmpty ? "" : " on \(section.gateway)"
            lines.append((" \(section.environment)\(gateway) · \(tally(report, apps: section.apps.count))", .title))
            if let report {
                if let error = report.error { lines.append(("   ✗ " + error, .error)) }
                if let apply = report.unfinishedApply {
                    lines.append(("   apply #\(apply) stopped before it finished: applying again resumes it (a on Policies)", .warning))
                }
                if report.error == nil && report.differences.isEmpty {
                    lines.append(("   ✓ the gateway runs what the registry assigns", .ok))
                }
                for (position, difference) in report.differences.enumerated() {
                    add(.policy(report: section.report!, difference: position),
                        DifferenceText.summary(difference, in: report), role(of: difference))
                }
            }
            let appError = drift.appErrors[section.gateway]
            guard !section.apps.isEmpty || appError != nil else { continue }
            lines.append(("   Client apps" + appsSource(drift, error: appError != nil), .header))
            if let appError { lines.append(("   ✗ " + appError, .error)) }
            for index in section.apps {
                let difference = drift.apps[index]
                add(.app(index), ClientAppDifferenceText.summary(difference), ClientAppDifferenceText.role(difference))
            }
        }
        // Gateways whose client side failed and that no section names (nothing recorded there).
        let named = Set(drift.sections.map(\.gateway))
        for (gateway, error) in drift.appErrors.sorted(by: { $0.key < $1.key }) where !named.contains(gateway) {
            lines.append((" Client apps at \(gateway) · not read", .title))
            lines.append(("   ✗ " + error, .error))
        }
        let app = drift.selectedApp
        draw(lines, into: &buffer, in: rect, selectedLine: selectedLine, footLines: app == nil ? 1 : 2)
        let footY = rect.maxY - 1
        if let app {
            buffer.put(" " + app.finding.detail, x: rect.x, y: footY - 1, role: .normal, maxWidth: rect.width)
        }
        if drift.reading || drift.readingApps {
            buffer.put(" reading the gateways…", x: rect.x, y: footY, role: .dim, maxWidth: rect.width)
        } else if let app {
            let keys = ["enter detail"] + (app.clientRowId == nil ? [] : ["2 its client"])
                + [ClientAppDifferenceText.shortRemedy(app)]
            buffer.put(" " + keys.joined(separator: " · "), x: rect.x, y: footY, role: .dim, maxWidth: rect.width)
        } else if let difference = drift.selected?.difference {
            let keys = state.readonly ? ["read-only: push and adopt are off"]
                : [difference.pushKey, difference.adoptKey]
            buffer.put(" enter both sides · " + keys.joined(separator: " · "), x: rect.x, y: footY, role: .dim,
                       maxWidth: rect.width)
        }
    }

    /// The list's lines from where the selected one stays in view, above `footLines` lines for the keys.
    static func draw(_ lines: [(String, StyleRole)], into buffer: inout CellBuffer, in rect: Rect, selectedLine: Int?,
                     footLines: Int)
    {
        let height = max(1, rect.height - 1 - footLines)
        let start = selectedLine.map { max(0, $0 - height + 1) } ?? 0
        for (offset, line) in lines.dropFirst(start).prefix(height).enumerated() {
            let y = rect.y + offset
            if line.1 == .selected {
                buffer.putPadded(line.0, x: rect.x, y: y, width: rect.width, role: .selected)
            } else {
                buffer.put(line.0, x: rect.x, y: y, role: line.1, maxWidth: rect.width)
            }
        }
    }

    /// "1 difference · 2 client apps", "not read", "no drift".
    static func tally(_ report: GatewayDriftReport?, apps: Int) -> String {
        var parts: [String] = []
        if let report {
            let count = report.differences.count
            parts.append(report.error != nil ? "not read" : count == 0 ? "no drift"
                : count == 1 ? "1 difference" : "\(count) differences")
        }
        if apps > 0 { parts.append(apps == 1 ? "1 client-app difference" : "\(apps) client-app differences") }
        return parts.joined(separator: " · ")
    }

    /// Where the client-app rows come from, so recorded findings are not mistaken for a fresh read.
    static func appsSource(_ drift: DriftState, error: Bool) -> String {
        if error { return " (as last recorded: this read failed)" }
        if drift.appsRead { return "" }
        return drift.readingApps ? " (as last recorded; reading…)" : " (as last recorded)"
    }

    /// A change behind Clientele's back reads as a warning; what only waits for an apply or a reload does not.
    static func role(of difference: GatewayDifference) -> StyleRole {
        difference.kind == .notLoaded ? .notice : .warning
    }
}
