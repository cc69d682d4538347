import Foundation

/// What each item of a list-valued policy field must be.
public enum PolicyListItem: Sendable {
    case scope
    case claim
    case algorithm
    case cidr
    case header
    case origin
    case httpMethod

    public var label: String {
        switch self {
        case .scope: return "scope"
        case .claim: return "claim (name or name=value)"
        case .algorithm: return "algorithm"
        case .cidr: return "CIDR"
        case .header: return "header (Name:value)"
        case .origin: return "origin"
        case .httpMethod: return "HTTP method"
        }
    }

    static let algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    func problem(with item: String) -> String? {
        switch self {
        case .scope:
            return item.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) ? "a bad scope '\(item)'" : nil
        case .claim:
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return Self.isToken(name) ? nil : "a bad claim '\(item)'"
        case .algorithm:
            return Self.algorithms.contains(item) ? nil
                : "an unknown algorithm '\(item)' (use \(Self.algorithms.joined(separator: ", ")))"
        case .cidr:
            return Self.isCIDR(item) ? nil : "a bad CIDR '\(item)' (for example 10.0.0.0/8 or 2001:db8::/32)"
        case .header:
            guard let colon = item.firstIndex(of: ":") else { return "a header without a value '\(item)' (use Name:value)" }
            let name = String(item[..<colon])
            return Self.isToken(name) ? nil : "a bad header name '\(name)'"
        case .origin:
            return item == "*" || Self.isOrigin(item) ? nil : "a bad origin '\(item)' (use * or https://host[:port])"
        case .httpMethod:
            return Self.methods.contains(item.uppercased()) ? nil : "an unknown HTTP method '\(item)'"
        }
    }

    /// RFC 9110 §5.6.2 token characters, which header and claim names must keep to.
    static func isToken(_ text: String) -> Bool {
        let extra = Set("!#$%&'*+-.^_`|~")
        return !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return false }
        return scheme == "https" || scheme == "http"
    }

    static func isOrigin(_ text: String) -> Bool {
        guard isHTTPURL(text), let url = URL(string: text) else { return false }
        return url.path.isEmpty && url.query == nil && url.fragment == nil
    }

    static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]) else { return false }
        let address = String(parts[0])
        if address.contains(":") {
            return (0...128).contains(prefix) && isIPv6(address)
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return (0...32).contains(prefix) && octets.count == 4
            && octets.allSatisfy { octet in
                guard let value = Int(octet), octet.count <= 3, String(value) == octet else { return false }
                return (0...255).contains(value)
            }
    }

    private static func isIPv6(_ text: String) -> Bool {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        let groups = halves.flatMap { $0.isEmpty ? [] : $0.split(separator: ":", omittingEmptySubsequences: false) }
        let validGroups = groups.allSatisfy { group in
            (1...4).contains(group.count) && group.allSatisfy { $0.isHexDigit }
        }
        return validGroups && (halves.count == 2 ? groups.count < 8 : groups.count == 8)
    }
}
