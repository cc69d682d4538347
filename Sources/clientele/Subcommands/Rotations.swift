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
                /// Why the old secret is not removed yet: a caller still used it after the new one was delivered.
                let hold: Hold?
                let createdAt: Date
            }

            struct Hold: Encodable {
                let keyId: String
                let lastUsedAt: Date
                /// Nil once the hold-max is spent: an operator must end the grace.
                let holdingUntil: Date?
                let extendedBy: String
                let text: String
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let listings = try registry.rotations(includeFinished: all)
                let now = registry.clock.now
                let rows = listings.map {
                    Row(id: $0.rotation.id!, client: $0.clientName, idp: $0.identityProvider,
                        step: $0.rotation.step.rawValue, graceUntil: $0.rotation.graceUntil,
                        delivery: $0.rotation.delivery.description, lastError: $0.rotation.lastError,
                        failureReason: $0.rotation.failureReason, heldBy: $0.rotation.activeLeaseHolder?.description,
                        hold: Self.hold($0, now: now), createdAt: $0.rotation.createdAt)
                }
                if output.json { return try JSONOutput.print(rows) }
                if rows.isEmpty { return print(all ? "No rotations yet." : "No open rotations.") }
                var table = TextTable("ID", "CLIENT", "IDP", "STEP", "GRACE UNTIL", "STARTED", "NOTE")
                for row in rows {
                    table.add("#\(row.id)", printable(row.client), printable(row.idp), row.step,
                              row.graceUntil.map { Timestamp.local($0) } ?? "-", Timestamp.local(row.createdAt),
                              row.heldBy.map { "in progress (\($0))" } ?? row.hold?.text ?? row.failureReason
                                  ?? row.lastError ?? "")
                }
                table.print()
            }

            /// A held rotation's hold, or an old secret in grace used since delivery (what `--end-grace` cuts off).
            static func hold(_ listing: RotationListing, now: Date) -> Hold? {
                let rotation = listing.rotation
                guard rotation.step == .grace, let use = listing.retiringUse else { return nil }
                return Hold(
                    keyId: use.keyId, lastUsedAt: use.at, holdingUntil: rotation.graceUntil,
                    extendedBy: DurationText(seconds: rotation.graceExtendedSeconds).description,
                    text: listing.holdText(now: now) ?? "")
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

            @Flag(help: ArgumentHelp(
                "End the grace period now and remove the old secret.",
                discussion: "An old secret recorded as used after the new one was delivered is removed only with --yes (or a yes at the prompt)."))
            var endGrace = false

            @Flag(help: "With --end-grace: remove old secrets even where a caller used one after the new secret was delivered.")
            var yes = false

            func validate() throws {
                if yes && !endGrace { throw ValidationError("--yes only confirms --end-grace; give --end-grace too") }
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let service = RotationService(registry: registry, adapters: global.adapters(for: registry),
                                              defaults: try global.configuration().rotationDefaults)
                var failures = 0
                if let rotation {
                    if endGrace { try endGraceConfirming(rotation, service: service) }
                    let outcome = try await service.run(rotation, actor: global.actorName, deliverer: .unattended)
                    print(outcome.summary)
                    if case .failed = outcome.status { failures += 1 }
                } else {
                    // Rotation policies first: what they start is advanced below with everything else.
                    failures += PolicyStartReport.print(try await service.startPolicyRotations(actor: global.actorName))
                    let results = await service.advanceAll(actor: global.actorName, endGraceNow: endGrace, confirmed: yes)
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

            /// Ends one grace; where an old secret was used after delivery, the refusal's line (its last use) is
            /// asked as a question at a terminal, and stands otherwise.
            private func endGraceConfirming(_ rotation: Int64, service: RotationService) throws {
                do {
                    try service.endGrace(rotation, actor: global.actorName, confirmed: yes)
                } catch ClienteleError.confirmationRequired(let reason)
                    where isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
                {
                    let question = reason.replacingOccurrences(of: ": confirm with --yes", with: ". End it?")
                    guard Confirmation.ask(question) else { throw ClienteleError.confirmationRequired("nothing changed") }
                    try service.endGrace(rotation, actor: global.actorName, confirmed: true)
                }
            }
        }
    }
}
