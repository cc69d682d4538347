import ClienteleCore

enum DriftRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let drift = state.drift
        guard let reports = drift.reports else {
            buffer.put(drift.reading ? "Reading every bound environment's gateway…" : "Not read yet: ctrl-r reads the gateways.",
                       x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 2)
            return
        }
        guard !reports.isEmpty else {
            buffer.put("No environment is bound to a gateway: `clientele env set NAME --gateway GATEWAY`.",
                       x: rect.x + 2, y: rect.y + 1, role: .dim, maxWidth: rect.width - 2)
            return
        }
        // The list, then one line for the selected difference's keys (or why they are not offered).
        var lines: [(String, StyleRole)] = []
        var selectedLine: Int?
        for (index, report) in reports.enumerated() {
            let count = report.differences.count
            let gateway = report.gateway.isEmpty ? "" : " on \(report.gateway)"
            let tally = report.error != nil ? "not read" : count == 0 ? "no drift" : count == 1 ? "1 difference" : "\(count) differences"
            lines.append((" \(report.environment)\(gateway) · \(tally)", .title))
            if let error = report.error { lines.append(("   ✗ " + error, .error)) }
            if let apply = report.unfinishedApply {
                lines.append(("   apply #\(apply) stopped before it finished: applying again resumes it (a on Policies)", .warning))
            }
            if report.error == nil && count == 0 { lines.append(("   ✓ the gateway runs what the registry assigns", .ok)) }
            for (position, difference) in report.differences.enumerated() {
                let item = DriftState.Item(report: index, difference: position)
                let isSelected = drift.items.indices.contains(drift.cursor.selected) && drift.items[drift.cursor.selected] == item
                if isSelected { selectedLine = lines.count }
                lines.append(("   " + DifferenceText.summary(difference, in: report),
                              isSelected ? .selected : role(of: difference)))
            }
        }
        let height = max(1, rect.height - 2)
        let start = selectedLine.map { max(0, $0 - height + 1) } ?? 0
        for (offset, line) in lines.dropFirst(start).prefix(height).enumerated() {
            let y = rect.y + offset
            if line.1 == .selected {
                buffer.putPadded(line.0, x: rect.x, y: y, width: rect.width, role: .selected)
            } else {
                buffer.put(line.0, x: rect.x, y: y, role: line.1, maxWidth: rect.width)
            }
        }
        let footY = rect.maxY - 1
        if drift.reading {
            buffer.put(" reading the gateways…", x: rect.x, y: footY, role: .dim, maxWidth: rect.width)
        } else if let difference = drift.selected?.difference {
            let keys = state.readonly ? ["read-only: push and adopt are off"]
                : [difference.pushKey, difference.adoptKey]
            buffer.put(" enter both sides · " + keys.joined(separator: " · "), x: rect.x, y: footY, role: .dim,
                       maxWidth: rect.width)
        }
    }

    /// A change behind Clientele's back reads as a warning; what only waits for an apply or a reload does not.
    static func role(of difference: GatewayDifference) -> StyleRole {
        difference.kind == .notLoaded ? .notice : .warning
    }
}
