import Foundation

/// What Clientele needs to manage one dynamically registered client (RFC 7592 §1): where the client's
/// configuration lives and the bearer token that opens it. The token is a credential, so this lives only in the
/// `RegistrationCredentialStore`, sealed, never in clear.
public struct RegistrationCredential: Sendable {
    /// The IdP's name in the registry: the same client id at two IdPs is two clients.
    public var idp: String
    public var clientId: String
    /// `registration_client_uri` (RFC 7591 §3.2.1): the client configuration endpoint.
    public var registrationClientURI: String
    /// `registration_access_token` (RFC 7591 §3.2.1). RFC 7592 §2.2 lets the server replace it on every update.
    public var registrationAccessToken: SecretText
    /// The grant types to send back on an update: RFC 7592 §2.2 replaces every field, so an omitted
    /// `grant_types` would strip the client's client-credentials grant.
    public var grantTypes: [String]
    /// Metadata of the client's current secret as Clientele last saw it. OIDC has no key ids or creation dates
    /// for secrets, so these are remembered here (none of it is secret).
    public var currentSecret: RemoteSecret?

    public init(
        idp: String, clientId: String, registrationClientURI: String, registrationAccessToken: SecretText,
        grantTypes: [String] = ["client_credentials"], currentSecret: RemoteSecret? = nil
    ) {
        self.idp = idp
        self.clientId = clientId
        self.registrationClientURI = registrationClientURI
        self.registrationAccessToken = registrationAccessToken
        self.grantTypes = grantTypes
        self.currentSecret = currentSecret
    }
}
