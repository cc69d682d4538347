import ClienteleCore
import Foundation

/// Storing an adopted OIDC client's registration credential (RFC 7592) before the generic adoption reads it.
enum OIDCAdoption {
    static func store(clientId: String, registrationClientURI: String, tokenFile: String, idp: IdentityProvider,
                      adapters: any IdentityProviderAdapters) async throws
    {
        guard idp.kind == .oidc, let oidc = try adapters.adapter(for: idp) as? OIDCIdentityProvider else {
            throw ClienteleError.invalidInput(
                "--registration-access-token-file is for OIDC providers; IdP \(idp.name) is \(idp.kind.rawValue)")
        }
        guard case .secret(let token) = try CredentialSource.file(absolute(tokenFile)).load(idpName: idp.name) else {
            throw ClienteleError.invalidInput("registration access token file \(tokenFile) is empty")
        }
        _ = try await oidc.adopt(clientId: clientId, registrationClientURI: registrationClientURI,
                                 registrationAccessToken: token)
    }
}
