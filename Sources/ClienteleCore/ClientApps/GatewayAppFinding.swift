import Foundation

/// One way a gateway's client app and the registry (or the IdP behind it) disagree, as `gateway drift` reports
/// it per environment. Recorded on the app when last checked, so the client page and the console show it with no
/// network.
public struct GatewayAppFinding: Codable, Sendable, Hashable {
    public var kind: GatewayAppFindingKind
    /// The environment it concerns; nil for what is true of the app wherever it is used (an orphan, a stale copy).
    public var environmentId: Int64?
    /// The API concerned (contract findings), by name.
    public var api: String?
    /// One line saying why, naming the IdP, the client id and the API as the case needs. Never secret text.
    public var detail: String

    public init(kind: GatewayAppFindingKind, environmentId: Int64? = nil, api: String? = nil, detail: String) {
        self.kind = kind
        self.environmentId = environmentId
        self.api = api
        self.detail = detail
    }
}

public enum GatewayAppFindingKind: String, Codable, Sendable, CaseIterable {
    /// The app's client id has no client at the IdP (deleted there, or never made).
    case orphanedAtGateway = "orphaned-at-gateway"
    /// An IdP client the registry gives an API of the environment has no app at the environment's gateway.
    case missingAtGateway = "missing-at-gateway"
    /// The IdP rejects the copy of the secret the gateway shows ("Reset Secret" pressed at the gateway, or a
    /// rotation at the IdP the copy never followed).
    case staleSecretCopy = "stale-secret-copy"
    /// The IdP could not be asked (about the client or the copy): not evidence either way.
    case notChecked = "not-checked"
    /// The app may call an API the registry does not give its client.
    case contractNotInRegistry = "contract-not-in-registry"
    /// The registry gives the client an API the app has no contract for.
    case contractMissingAtGateway = "contract-missing-at-gateway"

    /// Whether it is drift (exit 1), rather than a note that something could not be checked.
    public var isDrift: Bool { self != .notChecked }

    /// The word the client page and the drift list lead with.
    public var label: String {
        switch self {
        case .orphanedAtGateway: return "orphaned"
        case .missingAtGateway: return "missing at gateway"
        case .staleSecretCopy: return "stale secret copy"
        case .notChecked: return "not checked"
        case .contractNotInRegistry: return "contract not in registry"
        case .contractMissingAtGateway: return "contract missing at gateway"
        }
    }
}

extension [GatewayAppFinding] {
    /// "in step", or the labels of the drift found, for a list or a page.
    public var stateText: String {
        let drift = filter { $0.kind.isDrift }
        if drift.isEmpty { return isEmpty ? "in step" : "in step (\(self[0].kind.label))" }
        let labels: [String] = drift.map(\.kind.label)
        return Set(labels).sorted().joined(separator: ", ")
    }
}
