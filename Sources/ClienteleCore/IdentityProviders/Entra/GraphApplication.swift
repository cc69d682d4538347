import Foundation

/// The part of Graph's `application` that Clientele selects (contract: `microsoft.graph.application`; `id` comes
/// from `microsoft.graph.entity`). `id` is the object id Graph addresses; `appId` is the client id callers use.
struct GraphApplication: Decodable, Sendable {
    var id: String?
    var appId: String?
    var displayName: String?
    var passwordCredentials: [GraphPasswordCredential]?

    /// What `$select` asks for on every read, so lists stay small (and cost one resource unit less, per the
    /// throttling notes in graph-error-and-token-shapes.json).
    static let selectedProperties = "id,appId,displayName,passwordCredentials"
}

/// One page of `GET /applications` (`applicationCollectionResponse`): the values and, while more remain, the
/// absolute `@odata.nextLink` to follow.
struct GraphApplicationPage: Decodable, Sendable {
    var value: [GraphApplication]
    var nextLink: String?

    enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
    }
}

/// `POST /applications` body: a display name is all Graph requires (the server refuses a blank one).
struct GraphCreateApplicationRequest: Encodable, Sendable {
    var displayName: String
}
