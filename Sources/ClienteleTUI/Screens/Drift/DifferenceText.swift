import ClienteleCore

/// A difference as the Drift screen words it, in the gateway's terms where the report's mapping knows them.
enum DifferenceText {
    static func summary(_ difference: GatewayDifference, in report: GatewayDriftReport) -> String {
        guard let mapping = report.inspection?.mapping else {
            return "\(difference.kind.rawValue) \(difference.element) on \(difference.apiName)"
        }
        return GatewayText.lines(for: difference, mapping: mapping).first ?? difference.element
    }

    /// Ours (the registry) and theirs (the gateway), then every field either side sets, theirs vs ours, then what
    /// can be done about it.
    static func bothSides(_ difference: GatewayDifference, in report: GatewayDriftReport, readonly: Bool) -> [String] {
        func describe(_ element: GatewayPolicy?) -> String {
            guard let element else { return "nothing" }
            let text = report.inspection.map { $0.mapping.describe(element) } ?? "\(element.element) on \(element.apiName)"
            // The mapping's description already carries a version where the gateway has one (Anypoint).
            return text + (element.managed ? "" : " (not written by Clientele)")
        }
        // The dialog's title names the environment, API and element; the lines say the rest, tightest first, so
        // a short terminal loses only the last of them.
        var lines = ["\(difference.kind.rawValue): \(meaning(of: difference.kind))",
                     "ours   (registry): \(describe(difference.ours))",
                     "theirs (\(report.gateway)): \(describe(difference.theirs))"]
        if difference.kind == .ordered {
            lines.append("order theirs: " + (difference.theirOrder ?? []).joined(separator: ", "))
            lines.append("order ours:   " + (difference.ourOrder ?? []).joined(separator: ", "))
        }
        let ours = difference.ours?.fields ?? [:]
        let theirs = difference.theirs?.fields ?? [:]
        let paths = Set(ours.keys).union(theirs.keys).sorted()
        let changed = Set(difference.changes.map(\.path))
        if !paths.isEmpty || !difference.changes.isEmpty {
            lines.append("field: theirs vs ours")
            for change in difference.changes where !paths.contains(change.path) {
                lines.append("≠ \(change.path): \(show(change.theirs)) vs \(show(change.ours))")
            }
            for path in paths {
                lines.append("\(changed.contains(path) ? "≠" : "=") \(path): \(show(theirs[path])) vs \(show(ours[path]))")
            }
        }
        if readonly {
            lines.append("read-only console: push and adopt are switched off")
        } else {
            lines.append(difference.whyNotPushable ?? "p pushes the registry's view (applies \(report.environment))")
            lines.append(difference.whyNotAdoptable ?? "t takes the gateway's side into the registry")
        }
        return lines
    }

    static func meaning(of kind: GatewayDifference.Kind) -> String {
        switch kind {
        case .missing: return "assigned in the registry, absent at the gateway"
        case .unassigned: return "at the gateway, not assigned in the registry"
        case .configured: return "on both sides, configured differently"
        case .ordered: return "on both sides, in another order"
        case .notLoaded: return "written to the gateway, not loaded by it yet"
        }
    }

    static func show(_ value: GatewayValue?) -> String { value.map(\.description) ?? "(absent)" }
}
