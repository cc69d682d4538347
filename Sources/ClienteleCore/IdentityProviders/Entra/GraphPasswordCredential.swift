import Foundation

/// Graph's `passwordCredential` (contract: applications-openapi-fragment.yaml, `microsoft.graph.passwordCredential`).
/// Every property is nullable in the schema, so every one is optional here; the adapter decides what it cannot do
/// without. Dates stay text: Graph writes up to seven fractional digits, which `GraphDate` reads.
struct GraphPasswordCredential: Codable, Sendable {
    var keyId: String?
    var displayName: String?
    var hint: String?
    /// Only ever present in the addPassword answer (and a create answer); null on every read.
    var secretText: String?
    var startDateTime: String?
    var endDateTime: String?

    /// The addPassword request body's `passwordCredential`: only the writable fields (the server refuses
    /// `keyId`, `hint` and `secretText` as read-only).
    static func request(displayName: String, endDateTime: Date) -> GraphPasswordCredential {
        GraphPasswordCredential(displayName: displayName, endDateTime: Timestamp.iso8601(endDateTime))
    }

    // Encoding leaves out nils, so a request carries only what was set.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(keyId, forKey: .keyId)
        try container.encodeIfPresent(displayName, forKey: .displayName)
        try container.encodeIfPresent(hint, forKey: .hint)
        try container.encodeIfPresent(secretText, forKey: .secretText)
        try container.encodeIfPresent(startDateTime, forKey: .startDateTime)
        try container.encodeIfPresent(endDateTime, forKey: .endDateTime)
    }
}

/// `POST …/addPassword` body: `{"passwordCredential": {…}}` (contract: the action's requestBody).
struct GraphAddPasswordRequest: Encodable, Sendable {
    var passwordCredential: GraphPasswordCredential
}

/// `POST …/removePassword` body: `{"keyId": "…"}` (contract: the action's requestBody).
struct GraphRemovePasswordRequest: Encodable, Sendable {
    var keyId: String
}
