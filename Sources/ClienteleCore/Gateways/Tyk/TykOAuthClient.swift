import Foundation

/// One copy of a Tyk OAuth client as the Gateway API answers it (`NewClientRequest`: `client_id`, `secret`,
/// `redirect_uri`, `policy_id`, `meta_data`, `description`; never `api_id`). The secret is taken into a
/// `SecretText` at once: Tyk hands it out in clear on every read, and nothing else here may hold it.
struct TykOAuthClient: Sendable {
    var clientId: String
    var secret: SecretText
    var redirectURI: String
    var policyId: String?
    var metaData: GatewayValue
    var description: String

    init?(_ value: GatewayValue) {
        guard let clientId = value[path: "client_id"]?.stringValue, !clientId.isEmpty,
              let secret = value[path: "secret"]?.stringValue
        else { return nil }
        self.clientId = clientId
        self.secret = SecretText(secret)
        redirectURI = value[path: "redirect_uri"]?.stringValue ?? ""
        policyId = value[path: "policy_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        metaData = value[path: "meta_data"] ?? .null
        description = value[path: "description"]?.stringValue ?? ""
    }

    /// Names the secret without holding its text (Tyk gives a secret no id of its own).
    var fingerprint: String { SecretFingerprint.keyId(of: secret) }

    /// What operators call it: its description, else its client id.
    var name: String { description.isEmpty ? clientId : description }

    /// The create request that writes this client, with `secret`, over the copy `apiId` holds: Tyk's create
    /// takes an explicit id and secret and overwrites (SetClient), which is the one way to set a known secret.
    func creation(under apiId: String, secret: SecretText) -> GatewayValue {
        var body: [String: GatewayValue] = [
            "client_id": .string(clientId), "secret": .string(secret.reveal()), "api_id": .string(apiId),
            "redirect_uri": .string(redirectURI), "description": .string(description), "meta_data": metaData,
        ]
        if let policyId { body["policy_id"] = .string(policyId) }
        return .object(body)
    }
}
