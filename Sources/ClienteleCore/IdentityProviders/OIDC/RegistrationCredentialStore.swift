import Crypto
import Foundation
import Synchronization

/// The registration access tokens (RFC 7592) of the clients Clientele registered or adopted at OIDC providers,
/// per (IdP name, client id). They are credentials, so they live in their own file beside the registry
/// (`registry.credentials`), sealed with AES-256-GCM, mode 0600. Every change rewrites the whole file to a
/// private temporary and renames it into place, under an exclusive flock on `<file>.lock`, so two `clientele`
/// processes never lose each other's writes and a crash never leaves half a file.
public final class RegistrationCredentialStore: Sendable {
    public let path: String
    public let keyFile: String
    let environment: [String: String]
    /// Loaded on first use, not at init: constructing an adapter must not create a key file.
    private let key = Mutex<CredentialsKey?>(nil)

    /// File format: this magic (which also names the version), then AES-GCM's combined nonce‖ciphertext‖tag.
    static let magic = Data("CLIENTELE-CREDENTIALS-1\n".utf8)

    /// `keyFile` nil means `$XDG_CONFIG_HOME/clientele/credentials.key`; `$CLIENTELE_CREDENTIALS_KEY` overrides both.
    public init(path: String, keyFile: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment)
    {
        self.path = path
        self.keyFile = keyFile ?? CredentialsKey.defaultFile(environment)
        self.environment = environment
    }

    /// `registry.sqlite` → `registry.credentials`, in the registry's directory.
    public static func path(besideRegistry registry: String) -> String {
        URL(fileURLWithPath: registry).deletingPathExtension().appendingPathExtension("credentials").path
    }

    // MARK: - API

    public func credential(idp: String, clientId: String) throws -> RegistrationCredential? {
        try withLock(LOCK_SH) {
            try read().entries.first { $0.idp == idp && $0.clientId == clientId }?.credential
        }
    }

    /// Adds or replaces the credential for (idp, client id).
    public func save(_ credential: RegistrationCredential) throws {
        try update { content in
            content.entries.removeAll { $0.idp == credential.idp && $0.clientId == credential.clientId }
            content.entries.append(.init(credential))
        }
    }

    public func remove(idp: String, clientId: String) throws {
        try update { content in content.entries.removeAll { $0.idp == idp && $0.clientId == clientId } }
    }

    public func clientIds(idp: String) throws -> [String] {
        try credentials(idp: idp).map(\.clientId)
    }

    /// Every credential for one IdP, by client id, from one read of the file.
    public func credentials(idp: String) throws -> [RegistrationCredential] {
        try withLock(LOCK_SH) {
            try read().entries.filter { $0.idp == idp }.sorted { $0.clientId < $1.clientId }.map(\.credential)
        }
    }

    /// Records the current secret's metadata and nothing else, so a read that notices a changed secret can never
    /// write back a registration access token that an update has replaced meanwhile.
    func updateCurrentSecret(_ secret: RemoteSecret, idp: String, clientId: String) throws {
        try update { content in
            guard let index = content.entries.firstIndex(where: { $0.idp == idp && $0.clientId == clientId }) else {
                return
            }
            content.entries[index].currentSecret = .init(
                keyId: secret.keyId, hint: secret.hint, displayName: secret.displayName, createdAt: secret.createdAt,
                expiresAt: secret.expiresAt)
        }
    }

    // MARK: - File

    private func update(_ change: (inout RegistrationCredentialsFileContent) -> Void) throws {
        try withLock(LOCK_EX) {
            var content = try read()
            change(&content)
            try write(content)
        }
    }

    private func loadKey() throws -> CredentialsKey {
        try key.withLock { cached in
            if let cached { return cached }
            let loaded = try CredentialsKey.load(keyFile: keyFile, environment: environment)
            cached = loaded
            return loaded
        }
    }

    private func read() throws -> RegistrationCredentialsFileContent {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw ClienteleError.registry("cannot read credentials file \(path)")
            }
            return RegistrationCredentialsFileContent()
        }
        let key = try loadKey()
        guard data.starts(with: Self.magic) else {
            throw ClienteleError.registry("credentials file \(path) is not a Clientele credentials file")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: data.dropFirst(Self.magic.count))
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: Self.magic)
        } catch {
            // A wrong key and a damaged file look the same to GCM: the tag does not match.
            throw ClienteleError.registry(
                "credentials file \(path) cannot be decrypted with the key from \(key.source) (wrong key, or the file is damaged)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode(RegistrationCredentialsFileContent.self, from: plaintext)
        } catch {
            throw ClienteleError.registry("credentials file \(path) decrypts but its content is not readable by this Clientele")
        }
    }

    private func write(_ content: RegistrationCredentialsFileContent) throws {
        let key = try loadKey()
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let sealed: Data
        do {
            let box = try AES.GCM.seal(try encoder.encode(content), using: key.key, authenticating: Self.magic)
            guard let combined = box.combined else { throw CocoaError(.coderInvalidValue) }
            sealed = Self.magic + combined
        } catch {
            throw ClienteleError.registry("cannot seal credentials file \(path): \(error.localizedDescription)")
        }
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        try PrivateFile.writeNew(temporary, contents: sealed)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw ClienteleError.registry("cannot replace credentials file \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// flock on a separate lock file: the data file is replaced by rename, so a lock on it would be a lock on an
    /// inode nobody opens any more. flock is per open file description, so it also orders threads of one process.
    private func withLock<T>(_ operation: Int32, _ body: () throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try PrivateFile.makeDirectory(directory) }
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ClienteleError.registry("cannot open credentials lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, operation) != 0 {
            guard errno == EINTR else {
                throw ClienteleError.registry("cannot lock credentials file \(path): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
