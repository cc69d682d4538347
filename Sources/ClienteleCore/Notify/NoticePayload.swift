import Foundation

/// The body posted for a notice, per webhook format. Built from the notice's fields only, which hold no secret
/// text.
public enum NoticePayload {
    public static func body(_ notice: Notice, format: NoticeFormat) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch format {
        // Slack incoming webhooks: `text` is required and is what notifications show.
        case .slack: return try encoder.encode(["text": "Clientele: \(notice.text)"])
        case .teams: return try encoder.encode(TeamsMessage(notice))
        case .json: return try encoder.encode(JSONNotice(notice))
        }
    }

    /// Clientele's own JSON notice, a stable object: `version` (1), `kind` (secret-expiry, rotation-held,
    /// rotation-failed), `subject`, `team`, `client`, `clientId`, `idp`, `text`, and where they apply `keyId`,
    /// `threshold` (notice, warning, critical, expired), `expiresAt`, `daysLeft`, `rotation`, `lastUsedAt`,
    /// `holdingUntil`, `failureReason`. Times are ISO 8601 UTC; keys without a value are left out.
    struct JSONNotice: Encodable {
        let version = 1
        let kind: String
        let subject: String
        let team: String
        let client: String
        let clientId: String
        let idp: String
        let text: String
        let keyId: String?
        let threshold: String?
        let expiresAt: String?
        let daysLeft: Int?
        let rotation: Int64?
        let lastUsedAt: String?
        let holdingUntil: String?
        let failureReason: String?

        init(_ notice: Notice) {
            kind = notice.kind.rawValue
            subject = notice.subject
            team = notice.team
            client = notice.client
            clientId = notice.clientId
            idp = notice.identityProvider
            text = notice.text
            keyId = notice.keyId
            threshold = notice.threshold?.rawValue
            expiresAt = notice.expiresAt.map(Timestamp.iso8601)
            daysLeft = notice.daysLeft
            rotation = notice.rotationId
            lastUsedAt = notice.lastUsedAt.map(Timestamp.iso8601)
            holdingUntil = notice.holdingUntil.map(Timestamp.iso8601)
            failureReason = notice.failureReason
        }
    }

    /// A Teams message as Workflows ("Post to a channel when a webhook request is received") and incoming
    /// webhooks take it: one Adaptive Card attachment.
    struct TeamsMessage: Encodable {
        struct Attachment: Encodable {
            let contentType = "application/vnd.microsoft.card.adaptive"
            let content: Card
        }

        struct Card: Encodable {
            enum CodingKeys: String, CodingKey {
                case schema = "$schema", type, version, body
            }

            let schema = "http://adaptivecards.io/schemas/adaptive-card.json"
            let type = "AdaptiveCard"
            let version = "1.4"
            let body: [Element]
        }

        struct Element: Encodable {
            let type: String
            var text: String? = nil
            var wrap: Bool? = nil
            var weight: String? = nil
            var facts: [Fact]? = nil
        }

        struct Fact: Encodable {
            let title: String
            let value: String
        }

        let type = "message"
        let attachments: [Attachment]

        init(_ notice: Notice) {
            var facts = [Fact(title: "Client", value: notice.client), Fact(title: "Client id", value: notice.clientId),
                         Fact(title: "IdP", value: notice.identityProvider)]
            if let keyId = notice.keyId { facts.append(Fact(title: "Key id", value: keyId)) }
            if let expiresAt = notice.expiresAt { facts.append(Fact(title: "Expires", value: Timestamp.iso8601(expiresAt))) }
            if let rotation = notice.rotationId { facts.append(Fact(title: "Rotation", value: "#\(rotation)")) }
            let title: String
            switch notice.kind {
            case .secretExpiry: title = "Secret expiring (\(notice.threshold?.rawValue ?? ""))"
            case .rotationHeld: title = "Rotation held: old secret still in use"
            case .rotationFailed: title = "Rotation failed"
            }
            attachments = [
                Attachment(content: Card(body: [
                    Element(type: "TextBlock", text: "Clientele: \(title)", wrap: true, weight: "Bolder"),
                    Element(type: "TextBlock", text: notice.text, wrap: true),
                    Element(type: "FactSet", facts: facts),
                ]))
            ]
        }
    }
}
