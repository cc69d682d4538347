import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct NotifyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notify",
            abstract: "Tell owner teams, through their webhooks, about expiring secrets, held and failed rotations (for cron).",
            discussion: """
                Each webhook hears each notice once: a secret crossing the configured expiry thresholds (the nearest \
                one crossed only), a rotation held because a caller still uses the old secret, a rotation that \
                failed. Meant for cron, for example every 15 minutes. Exit status: 0 when every notice due was \
                sent, 2 when a webhook failed (its notices are retried on the next run).
                """,
            subcommands: [Send.self, Webhook.self], defaultSubcommand: Send.self)

        struct Send: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "send", abstract: "Send the notices due now.")

            @OptionGroup var global: GlobalOptions

            @Flag(help: "List what would be sent; send and record nothing.")
            var dryRun = false

            @Flag(help: "Print JSON.")
            var json = false

            struct Row: Encodable {
                let webhook: Int64
                let team: String
                /// The webhook's host only: its URL is a credential.
                let host: String
                let format: String
                let kind: String
                let subject: String
                let client: String
                let text: String
                /// sent, or would-send in a dry run.
                let status: String
            }

            struct Report: Encodable {
                let notices: [Row]
                let failures: [String]
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let sender = NoticeSender(registry: registry, thresholds: try global.configuration().expiry)
                let result = try await sender.run(dryRun: dryRun, actor: global.actorName)
                let rows = result.delivered.map { webhook, notice in
                    Row(webhook: webhook.id!, team: webhook.team, host: webhook.host, format: webhook.format.rawValue,
                        kind: notice.kind.rawValue, subject: notice.subject, client: notice.client, text: notice.text,
                        status: dryRun ? "would-send" : "sent")
                }
                if json {
                    try JSONOutput.print(Report(notices: rows, failures: result.failures))
                } else {
                    for row in rows {
                        print("\(dryRun ? "Would tell" : "Told") team \(printable(row.team)) at \(printable(row.host)) (#\(row.webhook)): \(printable(row.text))")
                    }
                    if rows.isEmpty && result.failures.isEmpty { print("No notices due.") }
                }
                result.failures.forEach { ErrorReport.printError($0) }
                if !result.failures.isEmpty { throw ExitCode(2) }
            }
        }

        struct Webhook: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add, list and remove owner teams' webhooks.", subcommands: [Add.self, List.self, Remove.self],
                defaultSubcommand: List.self)

            struct Add: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Add a webhook for an owner team.")

                @OptionGroup var global: GlobalOptions

                @Option(help: "The owner team, as clients record it.")
                var team: String

                @Option(help: "The webhook's URL (Slack and Teams webhook URLs are credentials: it is never shown again).")
                var url: String

                @Option(help: "slack, teams or json.")
                var format: NoticeFormat = .slack

                func run() async throws {
                    let webhook = try global.openRegistry().addNotifyWebhook(
                        team: team, url: url, format: format, actor: global.actorName)
                    print("Added webhook #\(webhook.id!) for team \(printable(webhook.team)) at \(printable(webhook.host)) (\(webhook.format.rawValue)).")
                }
            }

            struct List: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "List webhooks (by host: URLs are credentials).")

                @OptionGroup var global: GlobalOptions
                @OptionGroup var output: OutputOptions

                struct Row: Encodable {
                    let id: Int64
                    let team: String
                    let host: String
                    let format: String
                    let createdAt: Date
                }

                func run() async throws {
                    let rows = try global.openRegistry().notifyWebhooks().map {
                        Row(id: $0.id!, team: $0.team, host: $0.host, format: $0.format.rawValue, createdAt: $0.createdAt)
                    }
                    if output.json { return try JSONOutput.print(rows) }
                    if rows.isEmpty { return print("No webhooks (add one with `clientele notify webhook add`).") }
                    var table = TextTable("ID", "TEAM", "HOST", "FORMAT", "ADDED")
                    for row in rows {
                        table.add("#\(row.id)", printable(row.team), printable(row.host), row.format,
                                  Timestamp.local(row.createdAt))
                    }
                    table.print()
                }
            }

            struct Remove: AsyncParsableCommand {
                static let configuration = CommandConfiguration(abstract: "Remove a webhook (its number in `list`).")

                @OptionGroup var global: GlobalOptions

                @Argument(help: "The webhook's number, as `notify webhook list` shows it.")
                var webhook: String

                func run() async throws {
                    let digits = webhook.hasPrefix("#") ? String(webhook.dropFirst()) : webhook
                    guard let id = Int64(digits) else {
                        throw ValidationError("webhook '\(webhook)' is not a number; see `clientele notify webhook list`")
                    }
                    try global.openRegistry().removeNotifyWebhook(id: id, actor: global.actorName)
                    print("Removed webhook #\(id).")
                }
            }
        }
    }
}

extension NoticeFormat: ExpressibleByArgument {}
