import Foundation

/// The policies a gateway can enforce, named as the CLI and console name them.
public enum PolicyKind: String, Codable, Sendable, CaseIterable, Comparable {
    case clientIdEnforcement = "client-id-enforcement"
    case oidcAccessTokenEnforcement = "oidc-access-token-enforcement"
    case rateLimiting = "rate-limiting"
    case spikeControl = "spike-control"
    case jwtValidation = "jwt-validation"
    case ipAllowlist = "ip-allowlist"
    case headerInjection = "header-injection"
    case cors = "cors"

    public static func < (lhs: PolicyKind, rhs: PolicyKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a catalog name, with a message that lists the valid ones.
    public static func named(_ name: String) throws -> PolicyKind {
        guard let kind = PolicyKind(rawValue: name.lowercased()) else {
            throw ClienteleError.notFound(
                "unknown policy '\(name)'; the catalog has: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// A short label for narrow columns in the console's matrix.
    public var shortLabel: String {
        switch self {
        case .clientIdEnforcement: return "client-id"
        case .oidcAccessTokenEnforcement: return "oidc-token"
        case .rateLimiting: return "rate-limit"
        case .spikeControl: return "spike"
        case .jwtValidation: return "jwt"
        case .ipAllowlist: return "ip-allow"
        case .headerInjection: return "headers"
        case .cors: return "cors"
        }
    }

    public var summary: String { PolicyCatalog.schema(for: self).summary }
}
