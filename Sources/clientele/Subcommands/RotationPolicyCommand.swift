import ArgumentParser
import ClienteleCore
import Foundation

/// `--env E | --idp I`: what a rotation policy covers.
struct PolicyScopeOptions: ParsableArguments {
    @Option(help: "Every client in this environment.")
    var env: String?

    @Option(help: "Every client at this identity provider.")
    var idp: String?

    func validate() throws {
        if (env == nil) == (idp == nil) { throw ValidationError("give exactly one of --env and --idp") }
    }

    var scope: RotationPolicyScope { env.map { .environment($0) } ?? .identityProvider(idp ?? "") }
}

extension ClienteleCommand {
    struct RotationPolicyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotation-policy",
            abstract: "Rotate secrets on a schedule, per environment or per IdP (carried out by `rotations advance`).",
            discussion: """
                A client covered by an environment's policy follows it, not its IdP's; a client in several \
                environments with policies follows the one that makes it due first (a tie goes to the environment \
                listed later, such as Prod after Sandbox).
                """,
            subcommands: [Set.self, List.self, Show.self, Remove.self], defaultSubcommand: List.self)

        struct Row: Encodable {
            let policy: String
            let environment: String?
            let idp: String?
            let rotateBefore: String
            let maxAge: String?
            let grace: String?
            /// The command's program name only: the rest of a command line may carry tokens.
            let command: String
            let updatedAt: Date

            init(_ listing: RotationPolicyListing) {
                policy = listing.scope.description
                if case .environment(let name) = listing.scope { environment = name } else { environment = nil }
                if case .identityProvider(let name) = listing.scope { idp = name } else { idp = nil }
                rotateBefore = DurationText(seconds: listing.policy.rotateBeforeSeconds).description
                maxAge = listing.policy.maxAgeSeconds.map { DurationText(seconds: $0).description }
                grace = listing.policy.graceSeconds.map { DurationText(seconds: $0).description }
                command = listing.commandName
                updatedAt = listing.policy.updatedAt
            }

            var sentence: String {
                "policy \(policy): rotate \(rotateBefore) before expiry" + (maxAge.map { " or at \($0) old" } ?? "")
                    + ", grace \(grace ?? "as configured"), new secrets to command \(command)"
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set (or replace) the rotation policy of an environment or an IdP.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var target: PolicyScopeOptions

            @Option(help: "Rotate a secret once it expires within this span (for example 30d).",
                    transform: parseDuration(flag: "--rotate-before", allowsZero: false))
            var rotateBefore: DurationText

            @Option(help: "Rotate a secret once it is older than this, whatever its expiry (for example 180d).",
                    transform: parseDuration(flag: "--max-age", allowsZero: false))
            var maxAge: DurationText?

            @Option(help: "The grace period of the rotations it starts (default: the config's rotation.grace).",
                    transform: parseDuration(flag: "--grace"))
            var grace: DurationText?

            @Option(help: ArgumentHelp("Pipe each new secret to this shell command's standard input.", valueName: "command"))
            var secretCommand: String?

            func validate() throws {
                // Show-once is refused: cron has nobody at a terminal to see the secret.
                guard secretCommand != nil else {
                    throw ValidationError(
                        "--secret-command is required: a schedule runs unattended, so a new secret cannot be shown once")
                }
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let service = RotationService(registry: registry, adapters: global.adapters(for: registry),
                                              defaults: try global.configuration().rotationDefaults)
                let (listing, notes) = try service.setRotationPolicy(
                    RotationPolicyRequest(scope: target.scope, rotateBefore: rotateBefore, maxAge: maxAge, grace: grace,
                                          secretCommand: secretCommand ?? ""),
                    actor: global.actorName)
                print("Set " + printable(Row(listing).sentence) + ".")
                notes.forEach { print("note: \(printable($0))") }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List rotation policies.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let rows = try global.openRegistry().rotationPolicies().map(Row.init)
                if output.json { return try JSONOutput.print(rows) }
                if rows.isEmpty { return print("No rotation policies (set one with `clientele rotation-policy set`).") }
                var table = TextTable("POLICY", "ROTATE BEFORE", "MAX AGE", "GRACE", "COMMAND", "UPDATED")
                for row in rows {
                    table.add(printable(row.policy), row.rotateBefore, row.maxAge ?? "-", row.grace ?? "(config)",
                              printable(row.command), Timestamp.local(row.updatedAt))
                }
                table.print()
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one rotation policy.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var target: PolicyScopeOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let row = Row(try global.openRegistry().rotationPolicy(target.scope))
                if output.json { return try JSONOutput.print(row) }
                print(printable(row.sentence))
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a rotation policy (rotations it started go on).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var target: PolicyScopeOptions

            func run() async throws {
                let registry = try global.openRegistry()
                try registry.removeRotationPolicy(target.scope, actor: global.actorName)
                print("Removed the rotation policy of \(printable(target.scope.description)).")
            }
        }
    }
}

/// The lines `rotations advance` prints about the rotations policies started; returns how many failed.
enum PolicyStartReport {
    static func print(_ starts: [PolicyRotationStart]) -> Int {
        var failures = 0
        for start in starts {
            switch start {
            case .started(let id, let client, let policy, let reason):
                Swift.print("Policy \(printable(policy.scope.description)) started rotation #\(id) of \(printable(client.displayName)): \(reason.text).")
            case .leftToOperator(let client, let policy, let why):
                Swift.print("Policy \(printable(policy.scope.description)) leaves \(printable(client.displayName)) to an operator: \(printable(why)).")
            case .failed(let client, let policy, let error):
                ErrorReport.printError("policy \(policy.scope) could not start a rotation of \(client?.displayName ?? "a client"): \(error.description)")
                failures += 1
            }
        }
        return failures
    }
}
