import Crypto
import Foundation
import Synchronization

/// The registration access tokens (RFC 7592) of the clients Clientele registered or adopted at OIDC providers,
/// per (IdP, client id). They live in the registry's `registrationCredential` table, so every process on a shared
/// registry (a teammate, cron, CI) can manage a client someone else registered, each row one AES-256-GCM sealed
/// box under the team's key (`CredentialsKey`). The box authenticates the IdP's row id and the client id, so a
/// row copied onto another client does not open; the registry's write transaction orders concurrent writers.
///
/// Everything about a client's registration is inside the box, not only the token: the registration client URI
/// is where the token is sent, so a clear column would let anyone who can write to the database redirect the
/// token to a host of their choosing; sealed, a changed row fails to open. No query needs to look inside.
///
/// A SQLite registry that still has a `registry.credentials` file beside it (where earlier Clientele kept these)
/// has its entries imported on first use, in one transaction, and the file renamed `registry.credentials.imported`;
/// the audit trail records the import once.
public final class RegistrationCredentialStore: Sendable {
    public let registry: Registry
    public let keyFile: String
    let environment: [String: String]
    let actor: String
    /// Loaded on first use, not at init: constructing an adapter must not create a key file.
    private let key = Mutex<CredentialsKey?>(nil)
    private let legacyChecked = Mutex(false)

    /// What a sealed row's authenticated data starts with (naming the format's version).
    static let boxLabel = "clientele-registration-credential-1"

    /// `keyFile` nil means `$XDG_CONFIG_HOME/clientele/credentials.key`; `$CLIENTELE_CREDENTIALS_KEY` overrides both.
    /// `actor` is who the audit trail names for a legacy file's import (the login user at this host unless told).
    public init(registry: Registry, keyFile: String? = nil, actor: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment)
    {
        self.registry = registry
        self.keyFile = keyFile ?? CredentialsKey.defaultFile(environment)
        self.actor = AuditActor.resolve(actor, environment: environment)
        self.environment = environment
    }

    // MARK: - API

    public func credential(idp: String, clientId: String) throws -> RegistrationCredential? {
        try importLegacyFileOnce()
        return try registry.sealedRegistrationCredentials(idp: idp, clientId: clientId).first.map { try open($0, idp: idp) }
    }

    /// Adds or replaces the credential for (idp, client id).
    public func save(_ credential: RegistrationCredential) throws {
        try importLegacyFileOnce()
        let key = try loadKey()
        try registry.writeRegistrationCredential(idp: credential.idp, clientId: credential.clientId) { idpId, _ in
            try Self.seal(.init(credential), idpId: idpId, key: key)
        }
    }

    public func remove(idp: String, clientId: String) throws {
        try importLegacyFileOnce()
        try registry.removeRegistrationCredential(idp: idp, clientId: clientId)
    }

    public func clientIds(idp: String) throws -> [String] {
        try credentials(idp: idp).map(\.clientId)
    }

    /// Every credential for one IdP, by client id, from one read.
    public func credentials(idp: String) throws -> [RegistrationCredential] {
        try importLegacyFileOnce()
        return try registry.sealedRegistrationCredentials(idp: idp).map { try open($0, idp: idp) }
    }

    /// Records the current secret's metadata and nothing else, so a read that notices a changed secret can never
    /// write back a registration access token that an update has replaced meanwhile: the row is opened and sealed
    /// again inside one write transaction.
    func updateCurrentSecret(_ secret: RemoteSecret, idp: String, clientId: String) throws {
        try importLegacyFileOnce()
        let key = try loadKey()
        try registry.writeRegistrationCredential(idp: idp, clientId: clientId) { idpId, current in
            guard let current else { return nil }
            var entry = try Self.open(current, idpId: idpId, clientId: clientId, key: key, registry: registry.path)
            entry.currentSecret = .init(
                keyId: secret.keyId, hint: secret.hint, displayName: secret.displayName, createdAt: secret.createdAt,
                expiresAt: secret.expiresAt)
            return try Self.seal(entry, idpId: idpId, key: key)
        }
    }

    // MARK: - Sealing

    private func loadKey() throws -> CredentialsKey {
        try key.withLock { cached in
            if let cached { return cached }
            let loaded = try CredentialsKey.load(keyFile: keyFile, environment: environment)
            cached = loaded
            return loaded
        }
    }

    private func open(_ row: SealedRegistrationCredential, idp: String) throws -> RegistrationCredential {
        var entry = try Self.open(
            row.sealed, idpId: row.identityProviderId, clientId: row.clientId, key: try loadKey(), registry: registry.path)
        // The name as the caller knows the IdP: the box is bound to its row id, which a name matches.
        entry.idp = idp
        return entry.credential
    }

    /// The row's authenticated data: which IdP row and client the box belongs to.
    static func authenticatedData(idpId: Int64, clientId: String) -> Data {
        Data("\(boxLabel)\n\(idpId)\n\(clientId)".utf8)
    }

    static func seal(_ entry: RegistrationCredentialsFileContent.Entry, idpId: Int64, key: CredentialsKey) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        do {
            let box = try AES.GCM.seal(
                try encoder.encode(entry), using: key.key,
                authenticating: authenticatedData(idpId: idpId, clientId: entry.clientId))
            guard let combined = box.combined else { throw CocoaError(.coderInvalidValue) }
            return combined
        } catch {
            throw ClienteleError.registry(
                "cannot seal the registration credential of client \(entry.clientId): \(error.localizedDescription)")
        }
    }

    static func open(
        _ sealed: Data, idpId: Int64, clientId: String, key: CredentialsKey, registry: String
    ) throws -> RegistrationCredentialsFileContent.Entry {
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: authenticatedData(idpId: idpId, clientId: clientId))
        } catch {
            // A wrong key and an altered or moved row look the same to GCM: the tag does not match.
            throw ClienteleError.registry(
                "the registration credential of client \(clientId) in registry \(registry) cannot be decrypted with the key from \(key.source) (wrong key, or the row was altered); every process sharing the registry needs the same key")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(RegistrationCredentialsFileContent.Entry.self, from: plaintext)
        } catch {
            throw ClienteleError.registry(
                "the registration credential of client \(clientId) in registry \(registry) decrypts but is not readable by this Clientele")
        }
    }

    // MARK: - The legacy file

    /// Imports `registry.credentials` beside a SQLite registry, once per process (every later call is a flag
    /// check); a PostgreSQL registry never had one.
    private func importLegacyFileOnce() throws {
        try legacyChecked.withLock { checked in
            if checked { return }
            if !registry.isPostgres {
                let file = LegacyRegistrationCredentialsFile(path: Self.legacyPath(besideRegistry: registry.path))
                if file.exists { try file.importInto(registry, key: try loadKey(), actor: actor) }
            }
            checked = true
        }
    }

    /// `registry.sqlite` → `registry.credentials`, in the registry's directory: where earlier Clientele kept these.
    public static func legacyPath(besideRegistry registry: String) -> String {
        URL(fileURLWithPath: registry).deletingPathExtension().appendingPathExtension("credentials").path
    }
}
