import Foundation

/// An Exchange client application as `GET …/applications/{id}` answers it (contract: the example reply carries
/// `clientId` and `clientSecret`, which the schema omits). The secret is wrapped as it is decoded, so its text
/// is never a plain `String` field of anything Clientele keeps; the list rows lack both.
struct AnypointApplication: Decodable {
    struct Audit: Decodable {
        struct Stamp: Decodable { let date: String? }
        let created: Stamp?
        let updated: Stamp?
    }

    let id: Int
    let name: String?
    let clientId: String?
    let clientSecret: SecretText?
    let audit: Audit?

    private enum CodingKeys: String, CodingKey { case id, name, clientId, clientSecret, audit }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        clientId = try container.decodeIfPresent(String.self, forKey: .clientId)
        clientSecret = try container.decodeIfPresent(String.self, forKey: .clientSecret)
            .flatMap { $0.isEmpty ? nil : SecretText($0) }
        audit = try container.decodeIfPresent(Audit.self, forKey: .audit)
    }

    /// What operators call it: its name, else its id.
    var displayName: String {
        let trimmed = name?.trimmingCharacters(in: .whitespaces) ?? ""
        return trimmed.isEmpty ? "application \(id)" : trimmed
    }

    var createdAt: Date? { audit?.created?.date.flatMap(Timestamp.parse) }

    /// The key id of the secret it shows now (`SecretFingerprint`): Anypoint gives a secret no id of its own.
    var secretKeyId: String? { clientSecret.map(SecretFingerprint.keyId(of:)) }
}

/// One row of `GET …/applications/{id}/contracts`: the API instance it grants and Anypoint's status. The fragment's
/// schema names only `status` and the tier; the rows carry `apiId` (an integer, or its text) beside them.
struct AnypointApplicationContract: Decodable {
    let id: Int?
    let status: String?
    let apiId: String?

    private enum CodingKeys: String, CodingKey { case id, status, apiId }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(Int.self, forKey: .id)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        if let number = try? container.decodeIfPresent(Int.self, forKey: .apiId) {
            apiId = String(number)
        } else {
            apiId = try? container.decodeIfPresent(String.self, forKey: .apiId)
        }
    }
}

/// A row of Exchange's application list: just enough to read each application in full.
struct AnypointApplicationRow: Decodable {
    let id: Int
}
