import Foundation

/// Adopting an OIDC client needs what opens it at the provider (RFC 7592 §1): its configuration URI and
/// registration access token, handed to the OIDC adapter before the generic adoption reads the client.
public struct RegistrationAccess: Sendable {
    public var clientURI: String
    public var token: SecretText

    public init(clientURI: String, token: SecretText) {
        self.clientURI = clientURI
        self.token = token
    }
}

extension ClientOnboarding {
    /// Stores the client's registration access token with the OIDC adapter (which reads the client with it first,
    /// so a wrong token is refused and nothing is kept).
    func storeRegistrationAccess(_ access: RegistrationAccess, clientId: String, idp: IdentityProvider) async throws {
        guard idp.kind == .oidc, let oidc = try adapters.adapter(for: idp) as? OIDCIdentityProvider else {
            throw ClienteleError.invalidInput(
                "a registration access token is for OIDC providers; IdP \(idp.name) is \(idp.kind.rawValue)")
        }
        _ = try await oidc.adopt(clientId: clientId, registrationClientURI: access.clientURI,
                                 registrationAccessToken: access.token)
    }
}
