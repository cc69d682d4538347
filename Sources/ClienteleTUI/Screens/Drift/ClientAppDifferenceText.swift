import ClienteleCore

/// A client-app difference as the Drift screen words it. Push and adopt are policy verbs: what resolves an app
/// difference is done at the gateway, at the IdP or with a grant, so each kind says which.
enum ClientAppDifferenceText {
    /// The list row: what and who; the why is the detail line under the list.
    static func summary(_ difference: GatewayAppDifference) -> String {
        let subject = [difference.app, difference.client.map { "client \($0)" }].compactMap { $0 }
            .joined(separator: " / ")
        return "\(difference.finding.kind.label): \(subject.isEmpty ? (difference.clientId ?? "?") : subject)"
    }

    /// What to do instead of p or t, short enough for the key line.
    static func remedy(_ difference: GatewayAppDifference) -> String {
        let gateway = difference.gateway
        let api = difference.finding.api ?? "API"
        let client = difference.client.map { "'\($0)' " } ?? ""
        switch difference.finding.kind {
        case .staleSecretCopy:
            return "rotate the client (r on its page) and give \(gateway) the new secret, never reset it there"
        case .orphanedAtGateway:
            return "delete the app at \(gateway), or register the client again"
        case .missingAtGateway:
            return "create the client's app at \(gateway)"
        case .contractNotInRegistry:
            return "`clientele client grant \(client)--env \(difference.environment) --api \(api)`, or `gateway sync --adopt`"
        case .contractMissingAtGateway:
            return "add the contract at \(gateway), or `clientele client revoke \(client)--env \(difference.environment) --api \(api)`"
        case .notChecked:
            return "ctrl-r asks again"
        }
    }

    /// The same, short enough to follow "enter detail · 2 its client" on an 80-column key line; Enter shows the
    /// whole of it.
    static func shortRemedy(_ difference: GatewayAppDifference) -> String {
        switch difference.finding.kind {
        case .staleSecretCopy: return "rotate the client, give the app the new secret"
        case .orphanedAtGateway: return "delete the app, or register its client again"
        case .missingAtGateway: return "create the client's app at the gateway"
        case .contractNotInRegistry: return "client grant, or gateway sync --adopt"
        case .contractMissingAtGateway: return "add the contract there, or client revoke"
        case .notChecked: return "ctrl-r asks again"
        }
    }

    /// The Enter view: everything about it, tightest first.
    static func lines(_ difference: GatewayAppDifference, readonly: Bool) -> [String] {
        var lines = ["\(difference.finding.kind.label): \(difference.finding.detail)"]
        if let app = difference.app { lines.append("app at \(difference.gateway): \(app)") }
        if let client = difference.client {
            lines.append("client: \(client)" + (difference.clientId.map { " (\($0))" } ?? ""))
        } else if let clientId = difference.clientId {
            lines.append("client id: \(clientId) (no client in the registry)")
        }
        if let api = difference.finding.api { lines.append("API: \(api)") }
        lines.append("")
        lines.append("to resolve: " + remedy(difference))
        if difference.clientRowId != nil { lines.append("2 opens the client's page") }
        lines.append(readonly ? "read-only console: nothing here changes the gateway or the IdP"
            : "p and t are for policy differences: they do not apply to client apps")
        return lines
    }

    /// A change behind Clientele's back reads as a warning; what could not be asked is a note.
    static func role(_ difference: GatewayAppDifference) -> StyleRole {
        difference.finding.kind.isDrift ? .warning : .notice
    }
}
