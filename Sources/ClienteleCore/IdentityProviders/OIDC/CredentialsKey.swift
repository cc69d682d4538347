import Crypto
import Foundation

/// The 256-bit AES key that seals registration credentials (the team's key on a shared registry), and where it
/// came from (named in every error, so an operator knows which key to fix). From `$CLIENTELE_CREDENTIALS_KEY`
/// (base64) when set, else from an owner-only key file that is created with a random key on first use.
struct CredentialsKey: Sendable {
    static let environmentVariable = "CLIENTELE_CREDENTIALS_KEY"

    let key: SymmetricKey
    /// "$CLIENTELE_CREDENTIALS_KEY" or "key file /path".
    let source: String

    /// `$XDG_CONFIG_HOME/clientele/credentials.key`: configuration, not data, so a registry copied elsewhere does
    /// not carry the key that opens its credentials.
    static func defaultFile(_ environment: [String: String]) -> String {
        RegistryLocation.configHome(environment) + "/clientele/credentials.key"
    }

    static func load(keyFile: String, environment: [String: String]) throws -> CredentialsKey {
        if let text = environment[environmentVariable], !text.isEmpty {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                bytes.count == 32
            else {
                throw ClienteleError.registry(
                    "$\(environmentVariable) is not a base64 256-bit key (32 bytes); make one with `openssl rand -base64 32`")
            }
            return CredentialsKey(key: SymmetricKey(data: bytes), source: "$\(environmentVariable)")
        }
        return CredentialsKey(key: try readOrCreate(keyFile), source: "key file \(keyFile)")
    }

    /// Reads the key file, refusing one that others can read (like an SSH key); creates it when missing.
    private static func readOrCreate(_ path: String) throws -> SymmetricKey {
        var status = stat()
        if stat(path, &status) != 0 {
            guard errno == ENOENT else {
                throw ClienteleError.registry("cannot read credentials key file \(path): \(String(cString: strerror(errno)))")
            }
            try create(path)
            guard stat(path, &status) == 0 else {
                throw ClienteleError.registry("cannot read credentials key file \(path): \(String(cString: strerror(errno)))")
            }
        }
        if status.st_mode & 0o077 != 0 {
            throw ClienteleError.registry(
                "credentials key file \(path) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8),
            let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else {
            throw ClienteleError.registry("credentials key file \(path) does not hold a base64 256-bit key")
        }
        return SymmetricKey(data: bytes)
    }

    /// Writes a random key to a private temporary file and links it into place: link(2) fails if the name exists,
    /// so two first runs at once agree on one key (the loser reads the winner's), and nobody ever reads a
    /// half-written key file.
    private static func create(_ path: String) throws {
        try PrivateFile.makeDirectory((path as NSString).deletingLastPathComponent)
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        try PrivateFile.writeNew(temporary, contents: Data((key.base64EncodedString() + "\n").utf8))
        defer { unlink(temporary) }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw ClienteleError.registry("cannot create credentials key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
