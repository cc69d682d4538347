import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import clients and secret metadata from identity providers, and report drift both ways.",
            discussion: """
                Drift: secrets at the IdP the registry did not know (someone used the portal, or an interrupted \
                rotation left one), and registry entries the IdP no longer has. The registry is brought in line \
                unless --dry-run. Exit status: 0 without drift, 1 with drift, 2 on error.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Only this IdP (default: every one).")
        var idp: String?

        @Flag(help: "Report what would change, and change nothing.")
        var dryRun = false

        func run() async throws {
            let registry = try global.openRegistry()
            let idps = try idp.map { [try registry.identityProvider(named: $0)] } ?? registry.identityProviders()
            let service = SyncService(registry: registry, adapters: global.adapters(for: registry))
            let interactive = isatty(STDERR_FILENO) == 1 && !output.json
            var reports: [SyncReport] = []
            for provider in idps {
                reports.append(try await service.sync(idp: provider, actor: global.actorName, dryRun: dryRun) { message in
                    if interactive { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
                })
            }
            if output.json {
                try JSONOutput.print(reports)
            } else {
                for report in reports { Self.describe(report) }
            }
            if reports.contains(where: \.hasDrift) { throw ExitCode(1) }
        }

        static func describe(_ report: SyncReport) {
            let verb = report.dryRun ? "would import" : "imported"
            print("\(printable(report.identityProvider)): \(report.clientsAtIdP) clients at the IdP; \(verb) \(report.importedClients.count) new in \(String(format: "%.1f", report.seconds)) s")
            for drift in report.secretsUnknownToRegistry {
                let origin = drift.fromInterruptedRotation ? "left by an interrupted rotation" : "created outside Clientele"
                print("  + secret \(drift.keyId.prefix(8)) (\(printable(drift.hint))…) of \(printable(drift.client)): at the IdP, not in the registry (\(origin))")
            }
            for drift in report.secretsGoneAtIdP {
                print("  - secret \(drift.keyId.prefix(8)) of \(printable(drift.client)): in the registry, gone at the IdP")
            }
            for client in report.clientsGoneAtIdP {
                print("  - client \(printable(client)): in the registry, gone at the IdP (remove it with `clientele client delete` or re-adopt it)")
            }
            for change in report.expiriesUpdated {
                print("  ~ secret \(change.keyId.prefix(8)) of \(printable(change.client)): expiry updated as the IdP reports it")
            }
            if !report.hasDrift { print("  no drift") }
            if let note = report.usageNote { print("  note: \(printable(note))") }
        }
    }
}
