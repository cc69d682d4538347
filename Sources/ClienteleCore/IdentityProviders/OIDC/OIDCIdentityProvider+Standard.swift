import Foundation

extension OIDCIdentityProvider {
    /// The adapter a real `clientele` process uses for an OIDC IdP: its registration access tokens sealed in the
    /// registry, and the IdP's credential source (if any) read as the initial access token that registration needs
    /// at some providers (RFC 7591 §3).
    public static func standard(_ idp: IdentityProvider, registry: Registry, clock: ClienteleClock,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> OIDCIdentityProvider
    {
        let initialAccessToken: SecretText?
        switch try idp.credentialSource.load(idpName: idp.name, environment: environment) {
        case .none:
            initialAccessToken = nil
        case .secret(let token):
            initialAccessToken = token
        case .certificate:
            throw ClienteleError.identityProvider(
                "IdP \(idp.name): an OIDC IdP's credential is an initial access token (variable, file or command), not a certificate")
        }
        let store = RegistrationCredentialStore(registry: registry, environment: environment)
        return OIDCIdentityProvider(idp: idp, store: store, http: .standard(peer: .identityProvider(idp.name)),
                                    clock: clock, initialAccessToken: initialAccessToken)
    }
}
