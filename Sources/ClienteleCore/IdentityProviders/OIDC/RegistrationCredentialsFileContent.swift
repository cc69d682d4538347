import Foundation

/// The plaintext inside the legacy credentials file (`LegacyRegistrationCredentialsFile`); an `Entry` alone is
/// what each sealed registry row holds. Separate from `RegistrationCredential` because `SecretText` is
/// deliberately not Codable: only this type, inside the store, turns a token into bytes, and the bytes are sealed
/// with AES-GCM before they reach the registry.
struct RegistrationCredentialsFileContent: Codable {
    var version = 1
    var entries: [Entry] = []

    struct Entry: Codable {
        var idp: String
        var clientId: String
        var registrationClientURI: String
        var registrationAccessToken: String
        var grantTypes: [String]
        var currentSecret: Secret?
    }

    struct Secret: Codable {
        var keyId: String
        var hint: String
        var displayName: String
        var createdAt: Date
        var expiresAt: Date?
    }
}

extension RegistrationCredentialsFileContent.Entry {
    init(_ credential: RegistrationCredential) {
        idp = credential.idp
        clientId = credential.clientId
        registrationClientURI = credential.registrationClientURI
        registrationAccessToken = credential.registrationAccessToken.reveal()
        grantTypes = credential.grantTypes
        currentSecret = credential.currentSecret.map {
            .init(keyId: $0.keyId, hint: $0.hint, displayName: $0.displayName, createdAt: $0.createdAt,
                  expiresAt: $0.expiresAt)
        }
    }

    var credential: RegistrationCredential {
        RegistrationCredential(
            idp: idp, clientId: clientId, registrationClientURI: registrationClientURI,
            registrationAccessToken: SecretText(registrationAccessToken), grantTypes: grantTypes,
            currentSecret: currentSecret.map {
                RemoteSecret(keyId: $0.keyId, hint: $0.hint, displayName: $0.displayName, createdAt: $0.createdAt,
                             expiresAt: $0.expiresAt)
            })
    }
}
