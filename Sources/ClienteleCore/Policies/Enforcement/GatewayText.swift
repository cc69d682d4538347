import Foundation

/// Plans and drift as lines of text, in the gateway's own terms:
/// `+ create Kong plugin rate-limiting on service orders: config.minute: 100`.
public enum GatewayText {
    public static func lines(for step: GatewayStep, mapping: any GatewayPolicyMapping) -> [String] {
        switch step.action {
        case .create:
            guard let desired = step.desired else { return ["+ create \(step.element) on \(step.apiName)"] }
            return ["+ create \(mapping.describe(desired))"] + fieldLines(desired.fields)
        case .update:
            let subject = (step.current ?? step.desired).map(mapping.describe) ?? "\(step.element) on \(step.apiName)"
            return ["~ update \(subject)"]
                + step.changes.map { "    \($0.path): \(show($0.theirs)) → \(show($0.ours))" }
        case .delete:
            let subject = step.current.map(mapping.describe) ?? "\(step.element) on \(step.apiName)"
            return ["- delete \(subject)"]
        case .reorder:
            return ["~ reorder policies on \(step.apiName): \((step.order ?? []).joined(separator: ", "))"]
        case .reload:
            return ["↻ reload the gateway so it serves what was written"]
        }
    }

    public static func lines(for difference: GatewayDifference, mapping: any GatewayPolicyMapping) -> [String] {
        let element = difference.ours ?? difference.theirs
        let subject = element.map(mapping.describe) ?? "\(difference.element) on \(difference.apiName)"
        let policy = difference.policy.map { " (\($0.rawValue))" } ?? ""
        switch difference.kind {
        case .missing:
            return ["missing     \(subject)\(policy): assigned in the registry, absent at the gateway"]
        case .unassigned:
            let whose = difference.theirs?.managed == false ? "not written by Clientele" : "written by Clientele"
            return ["unassigned  \(subject)\(policy): at the gateway (\(whose)), not assigned in the registry"]
        case .configured:
            return ["configured  \(subject)\(policy): theirs vs ours"]
                + difference.changes.map { "    \($0.path): \(show($0.theirs)) vs \(show($0.ours))" }
        case .ordered:
            return ["ordered     policies on \(difference.apiName): theirs \((difference.theirOrder ?? []).joined(separator: ", ")) vs ours \((difference.ourOrder ?? []).joined(separator: ", "))"]
        case .notLoaded:
            return ["not-loaded  \(subject)\(policy): written to the gateway, not loaded by it yet (reload pending)"]
        }
    }

    static func fieldLines(_ fields: [String: GatewayValue]) -> [String] {
        fields.keys.sorted().compactMap { path in
            guard let value = fields[path], value != .null else { return nil }
            return "    \(path): \(value)"
        }
    }

    static func show(_ value: GatewayValue?) -> String { value.map(\.description) ?? "(absent)" }
}
