import Foundation

/// Turns a refusal from Entra's token endpoint or from Graph into one line for an operator: which IdP, what was
/// being done (and to which client), what it means and what to do, and the client-request-id to quote to
/// Microsoft. Bodies are read only for their codes and messages, never echoed whole.
enum EntraErrorLine {
    /// A refused token request for Clientele's own app.
    static func adminToken(
        _ response: PeerResponse, idp: String, endpoints: EntraEndpoints, certificate: Bool
    ) -> ClienteleError {
        let app = endpoints.adminClientId
        let prefix = "IdP \(idp): getting a token for Clientele's app \(app)"
        let suffix = "(client-request-id \(response.requestId))"
        guard let body = EntraTokenErrorBody.parse(response.body) else {
            return .identityProvider("\(prefix): HTTP \(response.status) with \(bodyKind(response.body)) \(suffix)")
        }
        let code = body.aadsts.map { "AADSTS\($0)" } ?? (body.error ?? "no error code")
        let explanation: String
        switch body.aadsts {
        case 7000215:
            // Contract aadsts_codes: "Invalid client secret is provided."
            explanation = "the admin secret is wrong (\(code)); check the secret Clientele reads for this IdP"
        case 7000222:
            // Contract aadsts_codes: "InvalidClientSecretExpiredKeysProvided".
            explanation = "the admin secret has expired (\(code)); rotate Clientele's own credential: add a new "
                + "secret to app \(app) in Entra and point Clientele at it"
        case 7000218:
            explanation = "no secret or certificate was sent (\(code))"
        case 700016:
            explanation = "tenant \(endpoints.tenant) has no app \(app) (\(code)); check the IdP's adminClientId and tenant"
        case 90002:
            explanation = "tenant \(endpoints.tenant) does not exist (\(code)); check the IdP's tenant"
        case 7000112:
            explanation = "app \(app) is disabled (\(code))"
        default:
            if certificate, body.error == "invalid_client" {
                explanation = "Entra refused Clientele's certificate (\(code): \(oneLine(body.summary))); check that "
                    + "the certificate is registered on app \(app) and not expired"
            } else {
                explanation = "HTTP \(response.status) \(body.error ?? "") \(code): \(oneLine(body.summary))"
            }
        }
        return .identityProvider("\(prefix): \(explanation) \(suffix)")
    }

    /// A Graph answer that is not the success the call wanted.
    static func graph(
        _ response: PeerResponse, idp: String, purpose: String, client: String?
    ) -> ClienteleError {
        let prefix = "IdP \(idp): \(purpose)"
        let detail = GraphErrorBody.parse(response.body)
        let code = detail?.code ?? ""
        let codeText = code.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status) \(code)"
        let suffix = "(\(codeText), client-request-id \(response.requestId))"
        let subject = client.map { "application \($0)" } ?? "the application"
        guard let detail else {
            return .identityProvider("\(prefix): Graph answered with \(bodyKind(response.body)) \(suffix)")
        }
        let message = oneLine(detail.message ?? "")
        switch (response.status, code) {
        case (403, _):
            // Contract: the least-privileged permission for these calls is Application.ReadWrite.OwnedBy, which
            // only reaches apps whose owners include Clientele's app.
            guard client != nil else {
                return .identityProvider(
                    "\(prefix): Clientele's app lacks the Graph permission for this; it needs "
                        + "Application.ReadWrite.OwnedBy (which only reaches applications Clientele owns) or "
                        + "Application.ReadWrite.All \(suffix)")
            }
            return .identityProvider(
                "\(prefix): Clientele's app lacks permission for \(subject); Application.ReadWrite.OwnedBy only "
                    + "reaches applications Clientele owns (add Clientele's app as an owner of it, or grant "
                    + "Application.ReadWrite.All) \(suffix)")
        case (404, _):
            return .identityProvider(
                "\(prefix): Graph has no \(subject) (deleted, or the id is wrong) \(suffix)")
        case (401, _):
            return .identityProvider(
                "\(prefix): Graph refused Clientele's access token even after a fresh one (\(message)) \(suffix)")
        case (400, "CredentialInvalidLifetimeAsPerAppPolicy"):
            return .identityProvider(
                "\(prefix): the tenant's app management policy allows a shorter secret lifetime than asked; "
                    + "choose a shorter one (\(message)) \(suffix)")
        default:
            return .identityProvider("\(prefix): Graph refused: \(message.isEmpty ? "no message" : message) \(suffix)")
        }
    }

    /// What a body that is not the expected JSON looks like, in the shared client's words.
    static func bodyKind(_ body: Data) -> String {
        if body.isEmpty { return "an empty body" }
        return (try? JSONSerialization.jsonObject(with: body)) == nil
            ? "a body that is not JSON (or is cut short)" : "JSON in an unexpected shape"
    }

    /// A server's message on one line and of a readable length.
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 240 ? String(flat.prefix(240)) + "…" : flat
    }
}
