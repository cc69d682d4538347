import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Rotations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List rotations; advance the ones whose grace period has ended (for cron).",
            subcommands: [List.self, Advance.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List open rotations (--all: finished ones too).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Flag(help: "Include finished and failed rotations.")
            var all = false

            struct Row: Encodable {
                let id: Int64
                let client: String
                let idp: String
                let step: String
                let graceUntil: Date?
                let delivery: String
                let lastError: String?
                let failureReason: String?
                /// The process working on it now, while its lease runs ("host pid N").
                let heldBy: String?
                let createdAt: Date
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let listings = try registry.rotations(includeFinished: all)
                let rows = listings.map {
                    Row(id: $0.rotation.id!, client: $0.clientName, idp: $0.identityProvider,
                        step: $0.rotation.step.rawValue, graceUntil: $0.rotation.graceUntil,
                        delivery: $0.rotation.delivery.description, lastError: $0.rotation.lastError,
                        failureReason: $0.rotation.failureReason, heldBy: $0.rotation.activeLeaseHolder?.description,
                        createdAt: $0.rotation.createdAt)
                }
                if output.json { return try JSONOutput.print(rows) }
                if rows.isEmpty { return print(all ? "No rotations yet." : "No open rotations.") }
                var table = TextTable("ID", "CLIENT", "IDP", "STEP", "GRACE UNTIL", "STARTED", "NOTE")
                for row in rows {
                    table.add("#\(row.id)", printable(row.client), printable(row.idp), row.step,
                              row.graceUntil.map { Timestamp.local($0) } ?? "-", Timestamp.local(row.createdAt),
                              row.heldBy.map { "in progress (\($0))" } ?? row.failureReason ?? row.lastError ?? "")
                }
                table.print()
            }
        }

        struct Advance: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Finish rotations whose grace period has ended and resume interrupted ones.",
                discussion: """
                    Meant for cron, for example every 15 minutes; several may run at once safely. Exit status: 0 \
                    when every rotation advanced or is waiting for its grace period, 2 when one failed.
                    """)

            @OptionGroup var global: GlobalOptions

            @Argument(help: "Only this rotation (its number).")
            var rotation: Int64?

            @Flag(help: "End the grace period now (every caller has switched to the new secret).")
            var endGrace = false

            func run() async throws {
                let registry = try global.openRegistry()
                let service = RotationService(registry: registry, adapters: global.adapters(for: registry),
                                              defaults: try global.configuration().rotationDefaults)
                var failures = 0
                if let rotation {
                    if endGrace { try service.endGrace(rotation, actor: global.actorName) }
                    let outcome = try await service.run(rotation, actor: global.actorName, deliverer: .unattended)
                    print(outcome.summary)
                    if case .failed = outcome.status { failures += 1 }
                } else {
                    // Rotation policies first: what they start is advanced below with everything else.
                    failures += PolicyStartReport.print(try await service.startPolicyRotations(actor: global.actorName))
                    let results = await service.advanceAll(actor: global.actorName, endGraceNow: endGrace)
                    if results.isEmpty { print("No open rotations.") }
                    for result in results {
                        switch result {
                        case .success(let outcome):
                            print(outcome.summary)
                            if case .failed = outcome.status { failures += 1 }
                        case .failure(let error):
                            ErrorReport.printError(error.description)
                            failures += 1
                        }
                    }
                }
                if failures > 0 { throw ExitCode(2) }
            }
        }
    }
}
