import Foundation

/// One change an apply makes at a gateway. Steps are recorded before they run and after, so an apply killed
/// halfway resumes where it stopped and never makes a change twice.
public struct GatewayStep: Codable, Sendable, Hashable {
    public enum Action: String, Codable, Sendable {
        case create, update, delete
        /// Puts an API's elements in chain order (Anypoint's PATCH of the policy collection).
        case reorder
        /// Makes the gateway serve what was written (Tyk's `/tyk/reload?block=true`).
        case reload
    }

    public var action: Action
    /// The API it touches; nil for gateway-wide steps (reload).
    public var apiId: String?
    public var apiName: String
    public var element: String
    /// create and update: what the gateway should hold afterwards (update: with the current remote id).
    public var desired: GatewayPolicy?
    /// update and delete: what it holds now.
    public var current: GatewayPolicy?
    /// reorder: the API's elements (`GatewayPolicy.element`) in the order they should run.
    public var order: [String]?
    /// update: each field that changes, theirs → ours.
    public var changes: [GatewayFieldChange]

    public init(
        action: Action, apiId: String?, apiName: String, element: String, desired: GatewayPolicy? = nil,
        current: GatewayPolicy? = nil, order: [String]? = nil, changes: [GatewayFieldChange] = []
    ) {
        self.action = action
        self.apiId = apiId
        self.apiName = apiName
        self.element = element
        self.desired = desired
        self.current = current
        self.order = order
        self.changes = changes
    }

    public static func reload() -> GatewayStep {
        GatewayStep(action: .reload, apiId: nil, apiName: "", element: "reload")
    }

    /// Whether the step writes to the gateway (everything but a reload).
    public var isWrite: Bool { action != .reload }
}

/// One field that differs between the gateway and the registry, in the gateway's terms.
public struct GatewayFieldChange: Codable, Sendable, Hashable {
    public var path: String
    /// What the gateway holds (nil: absent).
    public var theirs: GatewayValue?
    /// What the registry's assignments want (nil: absent).
    public var ours: GatewayValue?

    public init(path: String, theirs: GatewayValue?, ours: GatewayValue?) {
        self.path = path
        self.theirs = theirs
        self.ours = ours
    }
}
