import Foundation

/// Clientele's own credential at an IdP or a gateway, loaded from where `CredentialSource` says, for the life of one process.
/// Never stored in the registry.
public enum AdminCredential: Sendable {
    case none
    case secret(SecretText)
    /// A certificate (PEM) and its private key (PEM, held like a secret), for signed client assertions.
    case certificate(certificatePEM: String, privateKeyPEM: SecretText)
}

extension CredentialSource {
    /// Loads the credential. A file must be owner-only (0600 or stricter), like an SSH key; a command must exit 0.
    public func load(idpName: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AdminCredential
    {
        try load(for: .identityProvider(idpName), environment: environment)
    }

    public func load(for peer: HTTPPeer, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AdminCredential
    {
        switch self {
        case .none:
            return .none
        case .environmentVariable(let name):
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw peer.failure("the admin secret's variable $\(name) is not set")
            }
            return .secret(SecretText(value))
        case .file(let path):
            return .secret(SecretText(try Self.readPrivateFile(path, peer: peer, what: "admin secret file")))
        case .command(let command):
            return .secret(SecretText(try Self.runCommand(command, peer: peer)))
        case .certificate(let certificateFile, let privateKeyFile):
            guard let certificate = FileManager.default.contents(atPath: certificateFile)
                .flatMap({ String(data: $0, encoding: .utf8) })
            else {
                throw peer.failure("cannot read certificate file \(certificateFile)")
            }
            let key = try Self.readPrivateFile(privateKeyFile, peer: peer, what: "private key file")
            return .certificate(certificatePEM: certificate, privateKeyPEM: SecretText(key))
        }
    }

    static func readPrivateFile(_ path: String, peer: HTTPPeer, what: String) throws -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw peer.failure("cannot read \(what) \(path): \(String(cString: strerror(errno)))")
        }
        if status.st_mode & 0o077 != 0 {
            throw peer.failure(
                "\(what) \(path) is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else {
            throw peer.failure("\(what) \(path) is empty or not text")
        }
        return text
    }

    static func runCommand(_ command: String, peer: HTTPPeer) throws -> String {
        let data: Data
        do {
            data = try ShellCommand.run(command, output: .capture)
        } catch let failure as ShellCommand.Failure {
            throw peer.failure(
                "admin secret command `\(ShellCommand.name(command))` \(failure.reason)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw peer.failure("admin secret command printed nothing")
        }
        return text
    }
}
