import Foundation

/// The Exchange coordinates of the API Manager policy template each Clientele kind becomes. From the official
/// Terraform provider's `KnownPolicies` (contract `policy-templates.json`): all in MuleSoft's own policy group,
/// inbound, at the provider's default asset versions.
struct AnypointPolicyTemplate: Sendable, Hashable {
    /// MuleSoft's policy group in Exchange.
    static let mulesoftGroup = "68ef9520-24e9-4cf2-b2f5-620025690913"

    let assetId: String
    let assetVersion: String
    var groupId: String { Self.mulesoftGroup }

    static let clientIdEnforcement = AnypointPolicyTemplate(assetId: "client-id-enforcement", assetVersion: "1.3.3")
    static let rateLimiting = AnypointPolicyTemplate(assetId: "rate-limiting", assetVersion: "1.4.1")
    static let spikeControl = AnypointPolicyTemplate(assetId: "spike-control", assetVersion: "1.2.2")
    static let jwtValidation = AnypointPolicyTemplate(assetId: "jwt-validation", assetVersion: "0.12.0")
    static let ipAllowlist = AnypointPolicyTemplate(assetId: "ip-allowlist", assetVersion: "1.1.2")
    static let headerInjection = AnypointPolicyTemplate(assetId: "header-injection", assetVersion: "1.3.2")
    static let cors = AnypointPolicyTemplate(assetId: "cors", assetVersion: "1.3.2")
    /// Only in a commented-out provider example (1.1.4, Mule 4); recognised when read back, never written.
    static let openIDConnect = AnypointPolicyTemplate(
        assetId: "openid-connect-access-token-enforcement", assetVersion: "1.1.4")

    /// The template a kind is written as; nil for the kind Clientele refuses on Anypoint.
    static func forKind(_ kind: PolicyKind) -> AnypointPolicyTemplate? {
        switch kind {
        case .clientIdEnforcement: return .clientIdEnforcement
        case .rateLimiting: return .rateLimiting
        case .spikeControl: return .spikeControl
        case .jwtValidation: return .jwtValidation
        case .ipAllowlist: return .ipAllowlist
        case .headerInjection: return .headerInjection
        case .cors: return .cors
        case .oidcAccessTokenEnforcement: return nil
        }
    }

    /// The Clientele kind an element of this asset stands for, mapped or not.
    static func kind(ofAsset assetId: String) -> PolicyKind? {
        if assetId == openIDConnect.assetId { return .oidcAccessTokenEnforcement }
        return PolicyKind.allCases.first { forKind($0)?.assetId == assetId }
    }
}
