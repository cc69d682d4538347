import Foundation

/// One policy as a gateway runs it, in the gateway's own terms: a Kong plugin on a service, an Anypoint policy on
/// an API instance, a group of Tyk API-definition fields or a Tyk policy. Mappings produce these from the
/// registry's assignments (what Clientele wants) and adapters read them from the gateway (what it runs); the
/// differ compares the two.
public struct GatewayPolicy: Codable, Sendable, Hashable {
    /// The API it sits on (`RemoteAPI.remoteId`); nil for a gateway-wide element.
    public var apiId: String?
    /// The API's name, for people.
    public var apiName: String
    /// The gateway's name for the element, unique on its API among what Clientele compares: Kong plugin name,
    /// Anypoint asset id, Tyk field group (`CORS`, `ip-allowlist`) or `policy`.
    public var element: String
    /// Its id at the gateway once it exists (Kong plugin id, Anypoint policy id, Tyk policy id or API id).
    public var remoteId: String?
    /// Anypoint's asset version (`1.4.1`); nil elsewhere.
    public var version: String?
    /// Leaf fields by dotted path in the gateway's terms (`config.minute` → 100); see `GatewayValue.flattened`.
    /// Desired elements carry only the fields Clientele sets: what the gateway fills in by default is not drift.
    /// Secret-bearing fields never appear with their text (adapters replace it with `GatewayPolicy.redacted`).
    public var fields: [String: GatewayValue]
    /// Position in the API's chain where the gateway orders policies (Anypoint), from 1; nil elsewhere.
    public var order: Int?
    /// Whether Clientele manages it: a Kong entity tagged as Clientele's, a Tyk policy or field group Clientele
    /// wrote, any policy on an Anypoint instance of the bound environment. Apply never deletes what it does not
    /// manage; drift still reports it.
    public var managed: Bool
    /// The Clientele policy it stands for, when it stands for one.
    public var kind: PolicyKind?
    /// Tyk: written to the gateway but not loaded by it yet (no reload since).
    public var loaded: Bool

    public init(
        apiId: String?, apiName: String, element: String, remoteId: String? = nil, version: String? = nil,
        fields: [String: GatewayValue], order: Int? = nil, managed: Bool = true, kind: PolicyKind? = nil,
        loaded: Bool = true
    ) {
        self.apiId = apiId
        self.apiName = apiName
        self.element = element
        self.remoteId = remoteId
        self.version = version
        self.fields = fields
        self.order = order
        self.managed = managed
        self.kind = kind
        self.loaded = loaded
    }

    /// What stands in for a secret field's text wherever an element is shown or stored.
    public static let redacted = GatewayValue.string("(secret)")

    /// The identity the differ pairs desired and observed elements by.
    public var key: GatewayPolicyKey { GatewayPolicyKey(apiId: apiId, element: element) }
}

public struct GatewayPolicyKey: Codable, Sendable, Hashable, Comparable {
    public var apiId: String?
    public var element: String

    public static func < (lhs: GatewayPolicyKey, rhs: GatewayPolicyKey) -> Bool {
        (lhs.apiId ?? "", lhs.element) < (rhs.apiId ?? "", rhs.element)
    }
}

extension GatewayValue {
    /// Leaf fields by dotted path: objects recurse with `.`, arrays of objects with `[i]`; scalars, arrays of
    /// scalars and empty containers are leaves. `{"config": {"minute": 100}}` → `["config.minute": 100]`.
    public func flattened(prefix: String = "") -> [String: GatewayValue] {
        func join(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
        switch self {
        case .object(let object) where !object.isEmpty:
            var out: [String: GatewayValue] = [:]
            for (key, value) in object { out.merge(value.flattened(prefix: join(key))) { $1 } }
            return out
        case .array(let array) where !array.isEmpty && array.allSatisfy({ $0.objectValue != nil }):
            var out: [String: GatewayValue] = [:]
            for (index, value) in array.enumerated() {
                out.merge(value.flattened(prefix: "\(prefix)[\(index)]")) { $1 }
            }
            return out
        default:
            return prefix.isEmpty ? [:] : [prefix: self]
        }
    }

    /// The inverse of `flattened`: rebuilds the nested value from leaf paths.
    public static func nested(_ fields: [String: GatewayValue]) -> GatewayValue {
        var root = GatewayValue.object([:])
        for (path, value) in fields.sorted(by: { $0.key < $1.key }) {
            root.set(value, at: GatewayFieldPath.segments(path)[...])
        }
        return root
    }

    private mutating func set(_ value: GatewayValue, at path: ArraySlice<GatewayFieldPath.Segment>) {
        guard let first = path.first else { self = value; return }
        let rest = path.dropFirst()
        switch first {
        case .key(let key):
            var object = objectValue ?? [:]
            var child = object[key] ?? (rest.first.map { if case .index = $0 { return .array([]) } else { return .object([:]) } } ?? .null)
            child.set(value, at: rest)
            object[key] = child
            self = .object(object)
        case .index(let index):
            var array = arrayValue ?? []
            while array.count <= index { array.append(.object([:])) }
            array[index].set(value, at: rest)
            self = .array(array)
        }
    }
}
