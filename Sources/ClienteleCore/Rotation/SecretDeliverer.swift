import Foundation

/// Hands a new secret to its channel. The core delivers to files and commands; showing it on a terminal or in the
/// console belongs to the front end, which passes `showOnce`.
public struct SecretDeliverer: Sendable {
    /// Shows the secret to the operator once. Nil where nobody is watching (cron): such rotations wait.
    public var showOnce: (@Sendable (SecretText, Client) async throws -> Void)?
    /// Whether a `--secret-command`'s own output reaches our terminal.
    public var commandOutputShown: Bool

    public init(showOnce: (@Sendable (SecretText, Client) async throws -> Void)?, commandOutputShown: Bool = true) {
        self.showOnce = showOnce
        self.commandOutputShown = commandOutputShown
    }

    public static let unattended = SecretDeliverer(showOnce: nil)

    /// Whether this deliverer can serve `delivery` now.
    func canDeliver(_ delivery: SecretDelivery) -> Bool {
        if case .terminal = delivery { return showOnce != nil }
        return true
    }

    /// Refuses, before anything is recorded, a delivery nobody can receive here.
    func requireCanDeliver(_ delivery: SecretDelivery) throws {
        guard canDeliver(delivery) else {
            throw ClienteleError.invalidInput(
                "no delivery for the new secret: standard output is not a terminal; pass --secret-file PATH or --secret-command CMD")
        }
    }

    /// `identityProvider` is the IdP's name, handed to a secret command with the client's names (`SecretCommand`).
    func deliver(_ secret: SecretText, for client: Client, identityProvider: String, via delivery: SecretDelivery)
        async throws
    {
        switch delivery {
        case .terminal:
            guard let showOnce else {
                throw ClienteleError.delivery("nobody is at a terminal to see the secret")
            }
            try await showOnce(secret, client)
        case .file(let path):
            try SecretFile.write(secret, to: path)
        case .command(let command):
            try await SecretCommand.run(
                command, input: secret, output: commandOutputShown ? .inherit : .discard,
                environment: SecretCommand.environment(for: client, identityProvider: identityProvider))
        }
    }
}

/// A secret file: created empty with O_EXCL and 0600 when the rotation is planned (so an existing file is refused
/// before anything happens at the IdP), then filled on delivery.
public enum SecretFile {
    /// Claims `path` for a rotation: refuses an existing file or a symlink.
    public static func reserve(_ path: String) throws {
        guard try PrivateFile.createEmpty(path, named: "secret file ", failure: ClienteleError.invalidInput) else {
            throw ClienteleError.invalidInput("secret file \(path) already exists; Clientele never overwrites one")
        }
    }

    /// Writes a secret to a new owner-only file in one go (the console's "write it to a file").
    public static func writeNew(_ secret: SecretText, to path: String) throws {
        try reserve(path)
        do {
            try write(secret, to: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    static func write(_ secret: SecretText, to path: String) throws {
        // O_NOFOLLOW and the size check: write only into the empty file this rotation reserved.
        let descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ClienteleError.delivery("cannot open secret file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size == 0, status.st_mode & 0o077 == 0 else {
            throw ClienteleError.delivery(
                "secret file \(path) changed since the rotation reserved it (not empty or not 0600); not writing")
        }
        if let failure = PrivateFile.writeAll(descriptor, Data((secret.reveal() + "\n").utf8)) {
            throw ClienteleError.delivery("cannot write secret file \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// Reads back what a crashed run may already have delivered.
    static func read(_ path: String) -> SecretText? {
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else { return nil }
        return SecretText(text)
    }

    /// An empty, owner-only regular file of this user's (not a link): what `reserve` leaves before a delivery.
    static func isLeftoverReservation(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && status.st_size == 0
            && status.st_mode & 0o077 == 0 && status.st_uid == geteuid()
    }

    static func isEmpty(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_size == 0
    }
}

/// Pipes a secret into a shell command's standard input. Its exit status decides success.
enum SecretCommand {
    /// Names the client to the command, so one command serves many clients (a bulk rotation, a policy):
    /// `CLIENTELE_CLIENT` (display name), `CLIENTELE_CLIENT_ID`, `CLIENTELE_IDP`.
    static func environment(for client: Client, identityProvider: String) -> [String: String] {
        ["CLIENTELE_CLIENT": client.displayName, "CLIENTELE_CLIENT_ID": client.clientId,
         "CLIENTELE_IDP": identityProvider]
    }

    static func run(_ command: String, input secret: SecretText, output: ShellCommand.Output,
                    environment: [String: String] = [:]) async throws
    {
        do {
            try await ShellCommand.runOffPool(command, input: Data((secret.reveal() + "\n").utf8), output: output,
                                              environment: environment)
        } catch let failure as ShellCommand.Failure {
            throw ClienteleError.delivery("secret command `\(ShellCommand.name(command))` \(failure.reason)")
        }
    }
}
