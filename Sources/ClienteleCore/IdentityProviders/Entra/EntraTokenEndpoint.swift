import Foundation

/// The client-credentials grant at `{authority}/{tenant}/oauth2/v2.0/token` (RFC 6749 §4.4; contract:
/// graph-error-and-token-shapes.json `token_endpoint`), for Clientele's own app and for verifying a client's secret.
struct EntraTokenEndpoint: Sendable {
    /// How a client proves itself: a secret (`client_secret`, form-encoded), or a signed assertion
    /// (`client_assertion`, RFC 7521 §4.2 / RFC 7523 §2.2).
    enum Proof: Sendable {
        case secret(SecretText)
        case assertion(String)
    }

    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    let endpoints: EntraEndpoints
    let http: PeerHTTPClient

    /// Posts the grant. Transport failures and exhausted 429/503 throw (the shared client's line); every other
    /// answer is returned for the caller to read, since what a refusal means depends on whose credential it was.
    func request(clientId: String, proof: Proof, purpose: String) async throws -> PeerResponse {
        var fields = [
            ("grant_type", "client_credentials"), ("client_id", clientId), ("scope", EntraEndpoints.graphScope),
        ]
        switch proof {
        case .secret(let secret):
            fields.append(("client_secret", secret.reveal()))
        case .assertion(let assertion):
            fields.append(("client_assertion_type", Self.assertionType))
            fields.append(("client_assertion", assertion))
        }
        // Token answers are small; a bound keeps a misbehaving endpoint from filling memory.
        var request = PeerRequest.form(endpoints.tokenURL, fields: fields, purpose: purpose)
        request.maxResponseBytes = 256 * 1024
        return try await http.send(request)
    }
}
