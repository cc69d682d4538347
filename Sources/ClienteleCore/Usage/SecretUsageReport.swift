import Foundation

/// What an IdP can say about when a client's secrets were last used. Entra's report (Graph beta
/// `reports/appCredentialSignInActivities`) lags behind real sign-ins, so a reported time means "used at least this
/// recently", and a secret the report has no row for has "no sign-in recorded": neither proves it unused.
public enum SecretUsageReport: Sendable, Equatable {
    /// Last use by key id, for the clients asked about. A key id that is not in `lastUsed` has no use recorded.
    case available(lastUsed: [String: Date])
    /// The IdP has no source for it (OIDC has no standard one; Kong, Tyk and Anypoint keep none), or Clientele
    /// may not read it (a missing permission): the reason, in words an operator can act on.
    case unavailable(String)

    public func lastUse(of keyId: String) -> SecretLastUse {
        switch self {
        case .available(let lastUsed): return lastUsed[keyId].map(SecretLastUse.usedAt) ?? .noUseRecorded
        case .unavailable(let reason): return .unknown(reason)
        }
    }
}

/// One secret's last use, as far as anyone can tell.
public enum SecretLastUse: Sendable, Hashable {
    /// Used at least this recently.
    case usedAt(Date)
    /// The IdP reports use and has none for this secret (in the window it keeps).
    case noUseRecorded
    /// Nobody can tell: the reason.
    case unknown(String)

    /// The words for a person: "last used 3 h ago", "no sign-in recorded", "last use unknown".
    public func text(now: Date) -> String {
        switch self {
        case .usedAt(let date): return "last used \(ElapsedText.since(date, now: now))"
        case .noUseRecorded: return "no sign-in recorded"
        case .unknown: return "last use unknown"
        }
    }
}

/// Whether Clientele may read an IdP's record of secret use, for `idp check`.
public struct SecretUsageAccess: Sendable, Equatable {
    public var readable: Bool
    /// What was found, or what is missing ("grant the application permission AuditLog.Read.All").
    public var detail: String

    public init(readable: Bool, detail: String) {
        self.readable = readable
        self.detail = detail
    }
}
