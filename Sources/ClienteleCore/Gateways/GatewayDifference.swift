import Foundation

/// One way what a gateway runs differs from what the registry assigns, for one element on one API.
public struct GatewayDifference: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// Assigned in the registry, absent at the gateway.
        case missing
        /// At the gateway, not assigned in the registry (someone clicked in the portal, or an assignment was
        /// removed and not yet applied).
        case unassigned
        /// On both sides, configured differently: `changes` names each field, theirs vs ours.
        case configured
        /// On both sides alike, but in a different order on the API.
        case ordered
        /// Written to the gateway but not loaded by it yet (Tyk, before a reload).
        case notLoaded = "not-loaded"
    }

    public var kind: Kind
    public var apiId: String?
    public var apiName: String
    public var element: String
    public var policy: PolicyKind?
    public var ours: GatewayPolicy?
    public var theirs: GatewayPolicy?
    public var changes: [GatewayFieldChange]
    /// `ordered`: the API's elements in the gateway's order, and in the registry's.
    public var theirOrder: [String]?
    public var ourOrder: [String]?

    public init(
        kind: Kind, apiId: String?, apiName: String, element: String, policy: PolicyKind?, ours: GatewayPolicy?,
        theirs: GatewayPolicy?, changes: [GatewayFieldChange] = [], theirOrder: [String]? = nil,
        ourOrder: [String]? = nil
    ) {
        self.kind = kind
        self.apiId = apiId
        self.apiName = apiName
        self.element = element
        self.policy = policy
        self.ours = ours
        self.theirs = theirs
        self.changes = changes
        self.theirOrder = theirOrder
        self.ourOrder = ourOrder
    }

    /// Whether `policy apply` can push the registry's view over this difference: it never deletes what Clientele
    /// does not manage.
    public var isPushable: Bool { !(kind == .unassigned && theirs?.managed == false) }

    /// Whether `gateway sync --adopt` can take the gateway's view for it.
    public var isAdoptable: Bool { kind != .notLoaded }
}

/// Compares what the registry wants at a gateway with what the gateway runs. Pure: plan, apply (to check a step
/// that was running when a process died), drift and the console's matrix all ask it.
public enum GatewayComparison {
    /// Every difference, in a stable order (API, then element). Fields the gateway holds that the desired element
    /// does not set are defaults, not drift.
    public static func differences(
        desired: [GatewayPolicy], observed: [GatewayPolicy], ordersPolicies: Bool
    ) -> [GatewayDifference] {
        var theirs: [GatewayPolicyKey: GatewayPolicy] = [:]
        for element in observed where theirs[element.key] == nil { theirs[element.key] = element }
        let oursByKey = Dictionary(desired.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var differences: [GatewayDifference] = []
        for key in Set(theirs.keys).union(oursByKey.keys).sorted() {
            let ours = oursByKey[key]
            let their = theirs[key]
            let apiName = ours?.apiName ?? their?.apiName ?? ""
            let policy = ours?.kind ?? their?.kind
            switch (ours, their) {
            case (let ours?, nil):
                differences.append(GatewayDifference(
                    kind: .missing, apiId: key.apiId, apiName: apiName, element: key.element, policy: policy,
                    ours: ours, theirs: nil))
            case (nil, let their?):
                differences.append(GatewayDifference(
                    kind: .unassigned, apiId: key.apiId, apiName: apiName, element: key.element, policy: policy,
                    ours: nil, theirs: their))
            case (let ours?, let their?):
                let changes = fieldChanges(ours: ours, theirs: their)
                if !changes.isEmpty {
                    differences.append(GatewayDifference(
                        kind: .configured, apiId: key.apiId, apiName: apiName, element: key.element, policy: policy,
                        ours: ours, theirs: their, changes: changes))
                } else if !their.loaded {
                    differences.append(GatewayDifference(
                        kind: .notLoaded, apiId: key.apiId, apiName: apiName, element: key.element, policy: policy,
                        ours: ours, theirs: their))
                }
            case (nil, nil):
                break
            }
        }
        if ordersPolicies { differences += orderDifferences(desired: desired, observed: observed) }
        return differences
    }

    /// The fields the desired element sets that the gateway holds differently, plus a different version.
    public static func fieldChanges(ours: GatewayPolicy, theirs: GatewayPolicy) -> [GatewayFieldChange] {
        var changes = ours.fields.keys.sorted().compactMap { path -> GatewayFieldChange? in
            let wanted = ours.fields[path]
            let held = theirs.fields[path]
            if wanted == held { return nil }
            // An absent field and an explicit null mean the same to every gateway here.
            if (wanted == nil || wanted == .null) && (held == nil || held == .null) { return nil }
            if let wanted, let held, sameValue(wanted, held) { return nil }
            return GatewayFieldChange(path: path, theirs: held, ours: wanted)
        }
        if let version = ours.version, version != theirs.version {
            changes.insert(
                GatewayFieldChange(path: "version", theirs: theirs.version.map(GatewayValue.string),
                                   ours: .string(version)), at: 0)
        }
        return changes
    }

    /// Lists that hold the same items in another order are the same where order means nothing to the gateway
    /// (Kong's `methods` is a set); only strings lists are treated so.
    static func sameValue(_ lhs: GatewayValue, _ rhs: GatewayValue) -> Bool {
        if let left = lhs.stringsValue, let right = rhs.stringsValue, left.count == lhs.arrayValue?.count,
            right.count == rhs.arrayValue?.count
        {
            return left.sorted() == right.sorted()
        }
        return false
    }

    private static func orderDifferences(desired: [GatewayPolicy], observed: [GatewayPolicy]) -> [GatewayDifference] {
        var differences: [GatewayDifference] = []
        let apis = Set(desired.map(\.apiId))
        for apiId in apis.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let present = Set(observed.filter { $0.apiId == apiId }.map(\.element))
            let ours = desired.filter { $0.apiId == apiId && present.contains($0.element) }
                .sorted { ($0.order ?? 0) < ($1.order ?? 0) }.map(\.element)
            let wanted = Set(ours)
            let theirs = observed.filter { $0.apiId == apiId && wanted.contains($0.element) }
                .sorted { ($0.order ?? 0) < ($1.order ?? 0) }.map(\.element)
            if ours.count > 1, ours != theirs {
                let name = desired.first { $0.apiId == apiId }?.apiName ?? ""
                differences.append(GatewayDifference(
                    kind: .ordered, apiId: apiId, apiName: name, element: "order", policy: nil, ours: nil,
                    theirs: nil, theirOrder: theirs, ourOrder: ours))
            }
        }
        return differences
    }

    /// The steps that make the gateway match: creates, updates, deletes of managed elements, reorders, then
    /// whatever the mapping runs after writes.
    public static func steps(for differences: [GatewayDifference], mapping: any GatewayPolicyMapping) -> [GatewayStep] {
        var steps: [GatewayStep] = []
        for difference in differences {
            switch difference.kind {
            case .missing:
                steps.append(GatewayStep(
                    action: .create, apiId: difference.apiId, apiName: difference.apiName,
                    element: difference.element, desired: difference.ours))
            case .configured:
                var desired = difference.ours
                desired?.remoteId = difference.theirs?.remoteId
                steps.append(GatewayStep(
                    action: .update, apiId: difference.apiId, apiName: difference.apiName,
                    element: difference.element, desired: desired, current: difference.theirs,
                    changes: difference.changes))
            case .unassigned where difference.isPushable:
                steps.append(GatewayStep(
                    action: .delete, apiId: difference.apiId, apiName: difference.apiName,
                    element: difference.element, current: difference.theirs))
            case .unassigned, .notLoaded:
                break
            case .ordered:
                steps.append(GatewayStep(
                    action: .reorder, apiId: difference.apiId, apiName: difference.apiName, element: "order",
                    order: difference.ourOrder))
            }
        }
        // Creates and updates before reorders, so the order names elements that exist.
        var writes = steps.filter { $0.action != .reorder }
        if mapping.ordersPolicies { writes = inChainOrder(writes) }
        writes += steps.filter { $0.action == .reorder }
        let needsFinish = !writes.isEmpty || differences.contains { $0.kind == .notLoaded }
        return writes + (needsFinish ? mapping.finishingSteps(after: writes.isEmpty ? [.reload()] : writes) : [])
    }

    /// Where the gateway orders policies (Anypoint), each create is placed at its position as it is written. That
    /// lands right only if the deletes have already freed their places and each API's creates come in chain
    /// order; the reorder that follows then only has to sort the elements that were there before.
    private static func inChainOrder(_ writes: [GatewayStep]) -> [GatewayStep] {
        let creates = writes.enumerated().filter { $0.element.action == .create }.sorted {
            ($0.element.apiId ?? "", $0.element.desired?.order ?? 0, $0.offset)
                < ($1.element.apiId ?? "", $1.element.desired?.order ?? 0, $1.offset)
        }.map(\.element)
        return writes.filter { $0.action == .delete } + writes.filter { $0.action == .update } + creates
    }
}
