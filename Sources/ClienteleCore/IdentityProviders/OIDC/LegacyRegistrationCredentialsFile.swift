import Crypto
import Foundation

/// `registry.credentials`, where Clientele kept registration access tokens beside a SQLite registry before they
/// moved into the registry: the magic line, then one AES-256-GCM box (nonce‖ciphertext‖tag) over the JSON of every
/// entry. Read once, to import it; nothing writes this format any more.
struct LegacyRegistrationCredentialsFile {
    let path: String

    /// The file's first bytes, which also name its version; the box authenticates them.
    static let magic = Data("CLIENTELE-CREDENTIALS-1\n".utf8)

    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Where the file goes once imported: kept (mode 0600, as rename keeps it) for the entries it held of IdPs no
    /// longer in the registry, and so the import is undoable by hand.
    var importedPath: String { path + ".imported" }

    /// Imports every entry in one registry transaction, then renames the file; a second process that found the
    /// file at the same time imports nothing and finds it renamed.
    func importInto(_ registry: Registry, key: CredentialsKey, actor: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            if !exists { return }
            throw ClienteleError.registry("cannot read credentials file \(path)")
        }
        let content = try Self.decrypt(data, path: path, key: key)
        let byIdp = Dictionary(grouping: content.entries, by: \.idp)
        let fingerprint = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let outcome = try registry.importRegistrationCredentials(
            from: path, fingerprint: fingerprint, entries: byIdp.mapValues(\.count), actor: actor
        ) { idp, idpId in
            try (byIdp[idp] ?? []).map { entry in
                (entry.clientId, try RegistrationCredentialStore.seal(entry, idpId: idpId, key: key))
            }
        }
        guard outcome != nil else { return }
        // After the commit: a crash before the rename leaves the file, and the next run finds it imported already.
        if rename(path, importedPath) != 0 && errno != ENOENT {
            throw ClienteleError.registry(
                "imported \(path) into the registry, but cannot rename it to \(importedPath): \(String(cString: strerror(errno)))")
        }
        unlink(path + ".lock")
    }

    static func decrypt(_ data: Data, path: String, key: CredentialsKey) throws -> RegistrationCredentialsFileContent {
        guard data.starts(with: magic) else {
            throw ClienteleError.registry("credentials file \(path) is not a Clientele credentials file")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: data.dropFirst(magic.count))
            plaintext = try AES.GCM.open(box, using: key.key, authenticating: magic)
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

    /// The file as earlier Clientele wrote it, for the tests of the import.
    static func write(_ content: RegistrationCredentialsFileContent, to path: String, key: CredentialsKey) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let box = try AES.GCM.seal(try encoder.encode(content), using: key.key, authenticating: magic)
        try PrivateFile.writeNew(path, contents: magic + box.combined!)
    }
}
