import Foundation
import NIOHTTP1

/// Verifying a secret the way a caller uses it: a client-credentials token request (RFC 6749 §4.4) with HTTP
/// Basic authentication (§2.3.1) and the IdP's configured scopes.
extension OIDCIdentityProvider {
    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let tokenEndpoint: String
        do {
            guard let endpoint = try await discovery().tokenEndpoint, !endpoint.isEmpty else {
                return .couldNotVerify("IdP \(idp.name): its discovery document names no token_endpoint")
            }
            tokenEndpoint = endpoint
        } catch {
            return .couldNotVerify(String(describing: error))
        }
        var fields = [("grant_type", "client_credentials")]
        if let scope { fields.append(("scope", scope)) }
        let response: PeerResponse
        do {
            response = try await http.send(
                .form(tokenEndpoint, fields: fields, headers: Self.basic(clientId: reference.clientId, secret: secret),
                      purpose: "verifying a secret of client \(reference.clientId)"))
        } catch {
            // Unreachable, timed out, throttled past the retries: not evidence about the secret.
            return .couldNotVerify(String(describing: error))
        }
        switch response.status {
        case 200:
            return .accepted
        case 400, 401, 403:
            // glewlwyd refuses a wrong or retired secret with 403 and an empty body; RFC 6749 §5.2 says 400/401.
            return .rejected(
                "IdP \(idp.name): client \(reference.clientId): the token endpoint refused the secret (\(OIDCErrorBody.summary(response))) (client-request-id \(response.requestId))")
        default:
            return .couldNotVerify(
                "IdP \(idp.name): client \(reference.clientId): the token endpoint answered \(OIDCErrorBody.summary(response)) (client-request-id \(response.requestId))")
        }
    }

    /// RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    static func basic(clientId: String, secret: SecretText) -> HTTPHeaders {
        let pair = "\(PeerRequest.formEncode(clientId)):\(PeerRequest.formEncode(secret.reveal()))"
        return ["Authorization": "Basic \(Data(pair.utf8).base64EncodedString())"]
    }
}
