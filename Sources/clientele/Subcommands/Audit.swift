import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read, verify and export the audit trail.",
            subcommands: [List.self, Verify.self, Export.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List recent audit events, newest first.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Option(help: "Only events whose subject, action or actor contains this text.")
            var filter: String?

            @Option(help: "Show at most this many.")
            var limit = 50

            func validate() throws { try checkCount(limit, flag: "--limit") }

            func run() async throws {
                let registry = try global.openRegistry()
                let events = try registry.auditEvents(mentioning: filter, limit: limit)
                if output.json { return try JSONOutput.print(events) }
                var table = TextTable("#", "WHEN", "ACTOR", "ACTION", "SUBJECT", "DETAILS")
                for event in events {
                    table.add(String(event.id ?? 0), Timestamp.local(event.at), printable(event.attributedActor), event.action,
                              printable(event.subject),
                              printable(event.detailPairs.map { "\($0)=\($1)" }.joined(separator: " ")))
                }
                table.print()
            }
        }

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the audit trail's hash chain; name the first event that was altered or removed.",
                discussion: "Exit status: 0 when the chain is intact, 1 when it is broken.")

            @OptionGroup var global: GlobalOptions

            func run() async throws {
                let registry = try global.openRegistry()
                switch try registry.verifyAuditTrail() {
                case .intact(let events):
                    print("Audit trail intact: \(events) events, hash chain verified.")
                case .broken(_, let checked, let reason):
                    print("Audit trail BROKEN: \(reason) (\(checked) events before it verified).")
                    throw ExitCode(1)
                }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Export the whole trail, oldest first, as JSON Lines or CSV.")

            @OptionGroup var global: GlobalOptions

            @Option(help: "jsonl or csv.")
            var format: AuditExportFormat = .jsonl

            func run() async throws {
                let registry = try global.openRegistry()
                if format == .csv { print(AuditExport.csvHeader) }
                try registry.forEachAuditEvent { event in print(AuditExport.line(event, format: format)) }
            }
        }
    }
}

extension AuditExportFormat: ExpressibleByArgument {}
