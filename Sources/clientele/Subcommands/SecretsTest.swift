import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.Secrets {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the identity provider whether a secret works for a client.",
            discussion: """
                For a real IdP this is a client-credentials token request. Exit status: 0 when the IdP accepts the \
                secret, 1 when it rejects it, 2 when it could not be asked. The secret is read from a file or \
                standard input, never from the command line (where `ps` would show it).
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The client: display name, client id, or #id.")
        var client: String

        @Option(help: ArgumentHelp("Read the secret from this file.", valueName: "path"))
        var secretFile: String?

        @Flag(help: "Read the secret from standard input.")
        var secretStdin = false

        func validate() throws {
            guard (secretFile != nil) != secretStdin else {
                throw ValidationError("give exactly one of --secret-file PATH or --secret-stdin")
            }
        }

        func run() async throws {
            let secret = try readSecret()
            let registry = try global.openRegistry()
            let outcome = try await SecretTest(registry: registry, adapters: global.adapters(for: registry))
                .test(secret, client: client)
            let idp = outcome.identityProvider, resolved = outcome.client
            switch outcome.verification {
            case .accepted:
                print("IdP \(idp.name) accepts the secret for \(printable(resolved.displayName)).")
            case .rejected(let why):
                print("IdP \(idp.name) rejects the secret for \(printable(resolved.displayName)): \(why).")
                throw ExitCode(1)
            case .couldNotVerify(let why):
                throw ClienteleError.identityProvider(
                    "could not ask IdP \(idp.name) about \(resolved.displayName): \(why)")
            }
        }

        private func readSecret() throws -> SecretText {
            let data: Data?
            if let secretFile {
                data = FileManager.default.contents(atPath: secretFile)
                if data == nil { throw ClienteleError.invalidInput("cannot read secret file \(secretFile)") }
            } else {
                data = FileHandle.standardInput.readDataToEndOfFile()
            }
            let text = String(decoding: data ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw ClienteleError.invalidInput(
                    secretFile.map { "secret file \($0) is empty" } ?? "no secret on standard input")
            }
            return SecretText(text)
        }
    }
}
