import Foundation

/// One row of Graph beta's `reports/appCredentialSignInActivities` (CSDL `appCredentialSignInActivity`; facts in
/// shared/contracts/microsoft-graph-beta/): a credential of an app and when it last signed in. Only what
/// Clientele reads is decoded.
struct GraphCredentialSignInActivity: Decodable, Sendable {
    struct Activity: Decodable, Sendable {
        var lastSignInDateTime: String?
        var lastNonInteractiveSignInDateTime: String?
        var lastSuccessfulSignInDateTime: String?
    }

    var appId: String?
    var keyId: String?
    var signInActivity: Activity?

    /// The latest of the three times present. Any of them is a caller presenting this secret, and the report
    /// fills them unevenly (a client-credentials grant is non-interactive; a failed attempt moves only
    /// lastSignIn): a caller still sending an old secret has not switched, whether or not it succeeded.
    var lastUsedAt: Date? {
        guard let activity = signInActivity else { return nil }
        return [activity.lastSignInDateTime, activity.lastNonInteractiveSignInDateTime,
                activity.lastSuccessfulSignInDateTime].compactMap { $0.flatMap(GraphDate.parse) }.max()
    }
}

/// One page of the report, with the absolute `@odata.nextLink` while more remain.
struct GraphCredentialSignInActivityPage: Decodable, Sendable {
    var value: [GraphCredentialSignInActivity]
    var nextLink: String?

    enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
    }
}
