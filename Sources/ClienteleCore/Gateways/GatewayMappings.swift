import Foundation

/// The mapping of each gateway product, known without reaching the gateway: assign-time refusals and the
/// console's matrix need it offline.
public enum GatewayMappings {
    public static func mapping(for kind: GatewayKind) -> any GatewayPolicyMapping {
        switch kind {
        case .anypoint: return AnypointPolicyMapping()
        case .kong: return KongPolicyMapping()
        case .tyk: return TykPolicyMapping()
        case .none: return NoGatewayMapping(kind: kind)
        }
    }
}

/// An environment with no gateway: every policy is a record only, none is refused, nothing is translated.
struct NoGatewayMapping: GatewayPolicyMapping {
    let kind: GatewayKind
    func refusal(for policy: PolicyKind) -> String? { nil }
    func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws -> [GatewayPolicy] { [] }
    func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? { nil }
    func describe(_ element: GatewayPolicy) -> String { "\(element.element) on \(element.apiName)" }
}
