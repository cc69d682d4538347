import Foundation

/// One disagreement between a gateway's client apps and the registry or the IdP, in one environment: the client
/// side of `gateway drift`, beside the policy differences of the same environment.
public struct GatewayAppDifference: Codable, Sendable, Hashable {
    public var environment: String
    public var gateway: String
    /// "application Orders Portal", "consumer orders-batch"; nil for an IdP client with no app at the gateway.
    public var app: String?
    /// The registry client concerned (the linked IdP client, else the gateway-held one), when there is one.
    public var client: String?
    public var clientRowId: Int64?
    public var clientId: String?
    public var finding: GatewayAppFinding

    /// One line for a terminal: what, who, why.
    public var line: String {
        let subject = [app, client.map { "client \($0)" }].compactMap { $0 }.joined(separator: " / ")
        return "\(finding.kind.label): \(subject.isEmpty ? (clientId ?? "?") : subject): \(finding.detail)"
    }
}
