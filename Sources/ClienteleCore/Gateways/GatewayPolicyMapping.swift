import Foundation

/// How Clientele's eight policy kinds are expressed on one gateway product: a small, pure, tested translation each
/// way. Kong, Tyk and Anypoint each have one; the sandbox gateway uses the mapping of the product it imitates.
public protocol GatewayPolicyMapping: Sendable {
    var kind: GatewayKind { get }

    /// One line saying why `policy` cannot run on this gateway and what to use instead; nil when it can.
    /// Checked when a policy is assigned to an environment bound to this gateway, before anything is written.
    func refusal(for policy: PolicyKind) -> String?

    /// One line when `adding` cannot sit beside the assignments already on the same API (two kinds that would
    /// share one gateway element, say); nil when it can.
    func conflict(adding: PolicyAssignment, beside existing: [PolicyAssignment]) -> String?

    /// What the environment's assignments become at the gateway: an assignment without an API applies to each
    /// API in `apis`, one narrowed to an API only to the API of that name. Throws one line naming the gateway,
    /// environment, policy and field when a value cannot be expressed (a window the gateway has no unit for).
    func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws
        -> [GatewayPolicy]

    /// What an element the gateway runs means in Clientele's terms, for `gateway sync --adopt`; nil when it is
    /// nothing Clientele names.
    func adopt(_ element: GatewayPolicy) -> AdoptedPolicy?

    /// How the element is named in plans and drift, in the gateway's terms: "Kong plugin rate-limiting on service
    /// orders", "Anypoint rate-limiting 1.4.1 on API instance 18812".
    func describe(_ element: GatewayPolicy) -> String

    /// Whether the order of elements on an API is part of what the gateway runs (Anypoint), so a different order
    /// is drift and an apply reorders.
    var ordersPolicies: Bool { get }

    /// Steps an apply runs after its writes (Tyk: reload so the gateway serves them); none by default.
    func finishingSteps(after writes: [GatewayStep]) -> [GatewayStep]
}

extension GatewayPolicyMapping {
    public func conflict(adding: PolicyAssignment, beside existing: [PolicyAssignment]) -> String? { nil }
    public var ordersPolicies: Bool { false }
    public func finishingSteps(after writes: [GatewayStep]) -> [GatewayStep] { [] }
}

/// A gateway element read back as a Clientele policy: what `gateway sync --adopt` records.
public struct AdoptedPolicy: Sendable, Hashable {
    public var kind: PolicyKind
    /// `key=value` pairs the catalog validates, as `policy assign --config` takes them.
    public var pairs: [String]

    public init(kind: PolicyKind, pairs: [String]) {
        self.kind = kind
        self.pairs = pairs
    }
}
