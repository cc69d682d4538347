import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.Secrets {
    struct Unused: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List secrets in service with no recorded use in a window: candidates for removal.",
            discussion: """
                Reads each IdP's record of use first (Entra's sign-in report, the sandbox's verifications) and \
                records it; an IdP that cannot be reached gets one line and its recorded values are used. A secret \
                younger than the window is no candidate. "No sign-in recorded" is what the IdP reports, not proof of \
                disuse: the report lags and keeps only recent activity. IdPs that keep no record (OIDC, gateways) \
                are listed as unable to say. Exit status: 0 when no secret is listed, 1 when one is, 2 on error.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("for"), help: "The window, such as 90d or 12w.",
                transform: parseDuration(flag: "--for", allowsZero: false))
        var window: DurationText

        @Option(help: "Only this IdP (default: every one).")
        var idp: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let registry = try global.openRegistry()
            let idps = try idp.map { [try registry.identityProvider(named: $0)] } ?? registry.identityProviders()
            let adapters = global.adapters(for: registry)
            let reader = SecretUsageReader(registry: registry)
            for provider in idps {
                let note: String?
                do {
                    note = await reader.refresh(provider, adapter: try adapters.adapter(for: provider))
                } catch {
                    note = "last use not read from IdP \(provider.name), its recorded values are used: \(error)"
                }
                if let note { ErrorReport.printError(note) }
            }
            let found = try registry.unusedSecrets(window: window, idpIds: idps.map { $0.id! })
            if json {
                try JSONOutput.print(found)
            } else {
                Self.describe(found, now: registry.clock.now)
            }
            if !found.unused.isEmpty { throw ExitCode(1) }
        }

        static func describe(_ found: UnusedSecrets, now: Date) {
            if found.unused.isEmpty {
                print("No secret in service went without a recorded use for \(found.window).")
            } else {
                var table = TextTable("CLIENT", "IDP", "KEY ID", "HINT", "CREATED", "EXPIRES", "LAST USED")
                for secret in found.unused {
                    table.add(
                        printable(secret.client), printable(secret.idp), String(secret.keyId.prefix(8)),
                        printable(secret.hint) + "…", Timestamp.localDay(secret.createdAt),
                        secret.expiresAt.map { Timestamp.localDay($0) } ?? "never",
                        secret.lastUsedAt.map { ElapsedText.since($0, now: now) } ?? "no sign-in recorded")
                }
                table.print()
                let count = found.unused.count
                print("\(count) secret\(count == 1 ? "" : "s") with no recorded use for \(found.window).")
            }
            for idp in found.cannotSay {
                print("IdP \(printable(idp.idp)) cannot say for \(idp.secrets) secret\(idp.secrets == 1 ? "" : "s"): \(printable(idp.reason))")
            }
        }
    }
}
