import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate a client's secret at its identity provider, or every client whose secret expires soon.",
            discussion: """
                Creates a new secret at the IdP, delivers it (shown once here, written to a new 0600 file, or piped \
                to a command), verifies it at the IdP, then keeps the old secret valid for the grace period; \
                `clientele rotations advance` (for example from cron) removes it when the grace period ends. The new \
                secret is never stored. Running it again for a client with an unfinished rotation resumes that one; \
                delivery, grace or lifetime flags that differ from that rotation's are refused, not ignored.

                With --expiring-within instead of a CLIENT, rotates every client with a secret in service expiring \
                in that window (narrowed by --env, --idp, --owner), --parallel at a time, each an ordinary \
                resumable rotation; each new secret goes to DIR/<client>.secret (--secret-dir) or to \
                --secret-command, which sees CLIENTELE_CLIENT, CLIENTELE_CLIENT_ID and CLIENTELE_IDP. Exit 0 only \
                when every client was rotated; interrupted, `clientele rotations advance` or the same command again \
                finishes the rest.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The client: display name, client id, or #id.")
        var client: String?

        @Option(help: "How long the old secret stays valid after the new one is verified (default 7d, or the config's rotation.grace; none where the IdP keeps one secret).",
                transform: parseDuration(flag: "--grace"))
        var grace: DurationText?

        @Option(help: "The new secret's lifetime (default 365d, capped by the IdP).",
                transform: parseDuration(flag: "--lifetime", allowsZero: false))
        var lifetime: DurationText?

        @Option(help: ArgumentHelp("Write the new secret to this new file (mode 0600; an existing file is refused).",
                                   valueName: "path"))
        var secretFile: String?

        @Option(help: ArgumentHelp("Pipe the new secret to this shell command's standard input.", valueName: "command"))
        var secretCommand: String?

        @Flag(help: "Go ahead with rotations that leave no overlap (an IdP that keeps one secret, or --grace 0); required with --expiring-within.")
        var yes = false

        @OptionGroup var wave: WaveOptions

        func validate() throws {
            if secretFile != nil && secretCommand != nil {
                throw ValidationError("give at most one of --secret-file and --secret-command")
            }
            try wave.validate(client: client, secretFile: secretFile, secretCommand: secretCommand, yes: yes)
        }

        func run() async throws {
            if let within = wave.expiringWithin { return try await runWave(within) }
            let client = self.client!
            let registry = try global.openRegistry()
            let settings = try global.configuration()
            // A wait on the IdP (Entra replicating a new secret) is said at a terminal, so a pause is not a hang.
            let tellWaits: (@Sendable (String) -> Void)? = isatty(STDERR_FILENO) == 1 ? Self.tellWait : nil
            let service = RotationService(registry: registry, adapters: global.adapters(for: registry),
                                          defaults: settings.rotationDefaults, onWait: tellWaits)
            // Absolute, so `rotations advance` from cron (another folder) finds the file this rotation reserved.
            let delivery: SecretDelivery? = secretFile.map { .file(path: AbsolutePath.of($0)) }
                ?? secretCommand.map { .command($0) }
            var request = RotationRequest(client: client, grace: grace, lifetime: lifetime, delivery: delivery,
                                          confirmed: yes)
            let preview = try await service.preview(request)
            let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
            if let open = preview.resuming {
                // Held by a live process, it is not resumed here: the outcome says who has it.
                if open.activeLeaseHolder == nil {
                    print("Resuming rotation #\(open.id!) of \(printable(preview.client.displayName)) (at '\(open.step.label)').")
                }
            } else {
                describe(preview)
                if let reason = preview.confirmationReason, !yes {
                    guard interactive, Confirmation.ask("\(reason). Rotate anyway?") else {
                        throw ClienteleError.confirmationRequired("\(reason); confirm with --yes")
                    }
                    request.confirmed = true
                }
            }
            let deliverer = SecretDeliverer(showOnce: isatty(STDOUT_FILENO) == 1 ? Self.showOnce : nil)
            let outcome = try await service.rotate(request, actor: global.actorName, deliverer: deliverer)
            print(outcome.summary)
            if case .file(let path)? = delivery, preview.resuming == nil { print("The new secret is in \(path) (mode 0600).") }
            switch outcome.status {
            case .completed, .inGrace, .held: return
            case .waiting: throw ExitCode(1)
            case .failed: throw ExitCode(2)
            }
        }

        @Sendable static func tellWait(_ note: String) {
            FileHandle.standardError.write(Data("clientele: \(note)\n".utf8))
        }

        private func describe(_ preview: RotationPreview) {
            let name = printable(preview.client.displayName)
            print("Rotating the secret of \(name) at \(printable(preview.identityProvider.holderLabel)):")
            if preview.capabilities.choosesExpiry {
                print("  new secret valid until \(Timestamp.local(preview.newSecretExpiresAt))")
            } else {
                print("  new secret: \(printable(preview.identityProvider.holderLabel)) sets its expiry, if any")
            }
            if preview.retiring.isEmpty {
                print("  no secret in service to retire")
            } else if preview.overlap {
                let keys = preview.retiring.map { "\($0.keyId.prefix(8)) (\($0.hint)…)" }.joined(separator: ", ")
                print("  \(keys) stay\(preview.retiring.count == 1 ? "s" : "") valid for \(preview.grace) after the new secret is verified")
            }
            preview.notes.forEach { print("  note: \(printable($0))") }
        }

        @Sendable static func showOnce(_ secret: SecretText, _ client: Client) async throws {
            print("""

                New secret for \(printable(client.displayName)), shown once and never stored:

                    \(secret.reveal())

                Store it now: Clientele cannot show it again.

                """)
        }
    }
}

/// A yes/no question on the terminal whose default is no.
enum Confirmation {
    static func ask(_ question: String) -> Bool {
        print("\(question) [y/N] ", terminator: "")
        fflush(nil)  // nil flushes every stream, and avoids touching the C global `stdout` from Swift 6
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer == "y" || answer == "yes"
    }
}
