import ClienteleCore
import Foundation

/// Storing an adopted OIDC client's registration credential before the generic adoption reads it.
enum OIDCAdoption {
    static func store(clientId: String, registrationClientURI: String, tokenFile: String, idp: IdentityProvider,
                      adapters: any IdentityProviderAdapters) async throws
    {
        guard idp.kind == .oidc else {
            throw ClienteleError.invalidInput(
                "--registration-access-token-file is for OIDC providers; IdP \(idp.name) is \(idp.kind.rawValue)")
        }
        _ = try CredentialSource.file(absolute(tokenFile)).load(idpName: idp.name)
        throw ClienteleError.identityProvider("IdP \(idp.name): OIDC adoption is not available in this build yet")
    }
}
