import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct PolicyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "The policy catalog and which policies apply in which environment.",
            discussion: """
                Policies: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")). \
                `clientele policy show NAME` lists a policy's configuration keys.
                """,
            subcommands: [List.self, Show.self, Assign.self, Unassign.self, Move.self, Plan.self],
            defaultSubcommand: List.self)
    }
}

extension PolicyKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

/// The policy, environment and API that name one assignment.
struct AssignmentOptions: ParsableArguments {
    @Argument(help: "The policy, such as rate-limiting.")
    var policy: PolicyKind

    @Option(help: "The environment.")
    var env: String

    @Option(help: "Narrow it to one API (default: every API in the environment).")
    var api: String?
}

/// `--config key=value`, repeatable.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("config"), parsing: .singleValue,
            help: ArgumentHelp("A configuration value, such as requests=100 (repeatable).", valueName: "key=value"))
    var pairs: [String] = []
}

extension ClienteleCommand.PolicyCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalog, with where each policy is assigned.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        struct Row: Encodable {
            let policy: String
            let summary: String
            let environments: [String]
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let environments = Dictionary(uniqueKeysWithValues: try registry.environments().map { ($0.id!, $0.name) })
            let assignments = try registry.allAssignments()
            let rows = PolicyKind.allCases.map { kind in
                Row(policy: kind.rawValue, summary: kind.summary,
                    environments: assignments.filter { $0.policy == kind }.map {
                        (environments[$0.environmentId] ?? "?") + ($0.api.isEmpty ? "" : "@\($0.api)")
                    })
            }
            if output.json { return try JSONOutput.print(rows) }
            var table = TextTable("POLICY", "ASSIGNED IN", "WHAT IT DOES")
            for row in rows {
                table.add(row.policy, row.environments.isEmpty ? "-" : row.environments.map(printable).joined(separator: ","),
                          row.summary)
            }
            table.print()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a policy's configuration keys, or the policies in effect in an environment or for a client.",
            discussion: "Examples: `policy show rate-limiting`, `policy show --env Prod`, `policy show --client billing-api`.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "A policy from the catalog.")
        var policy: PolicyKind?

        @Option(help: "Show the policies in effect in this environment, in order.")
        var env: String?

        @Option(help: "Show the policies in effect for this client, through its environments.")
        var client: String?

        func validate() throws {
            guard [policy != nil, env != nil, client != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("give one of: a policy name, --env ENV, or --client CLIENT")
            }
        }

        struct Row: Encodable {
            let environment: String
            let position: Int
            let policy: String
            let api: String
            let configuration: PolicyConfiguration
        }

        struct FieldRow: Encodable {
            let key: String
            let type: String
            let required: Bool
            let defaultValue: String?
            let help: String
        }

        func run() async throws {
            let registry = try global.openRegistry()
            if let policy {
                let schema = PolicyCatalog.schema(for: policy)
                let fields = schema.fields.map {
                    FieldRow(key: $0.key, type: $0.type.label, required: $0.isRequired,
                             defaultValue: $0.defaultValue?.description, help: $0.help)
                }
                if output.json { return try JSONOutput.print(fields) }
                print("\(policy.rawValue): \(schema.summary)\n")
                var table = TextTable("KEY", "TYPE", "DEFAULT", "MEANING")
                for field in fields {
                    table.add(field.key, field.type, field.required ? "(required)" : field.defaultValue ?? "-", field.help)
                }
                table.print()
                return
            }
            let effective: [EffectivePolicy]
            if let env {
                let environment = try registry.environment(named: env)
                effective = try registry.assignments(in: env).map { EffectivePolicy(environment: environment, assignment: $0) }
            } else {
                effective = try registry.effectivePolicies(forClient: client!).1
            }
            let rows = effective.map {
                Row(environment: $0.environment.name, position: $0.assignment.position,
                    policy: $0.assignment.policy.rawValue, api: $0.assignment.api,
                    configuration: $0.assignment.configuration)
            }
            if output.json { return try JSONOutput.print(rows) }
            if rows.isEmpty { return print("No policies in effect.") }
            var table = TextTable("ENVIRONMENT", "#", "POLICY", "API", "CONFIGURATION")
            for (row, entry) in zip(rows, effective) {
                let schema = PolicyCatalog.schema(for: entry.assignment.policy)
                table.add(printable(row.environment), String(row.position), row.policy, row.api.isEmpty ? "*" : printable(row.api),
                          entry.assignment.configuration.pairs(orderedBy: schema).map { "\($0)=\($1)" }.joined(separator: " "))
            }
            table.print()
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign a policy to an environment (or reconfigure it), after printing the plan.",
            discussion: "Example: clientele policy assign rate-limiting --env Prod --config requests=100 --config window=1m")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: AssignmentOptions
        @OptionGroup var settings: ConfigurationOptions

        @Option(help: "Where in the environment's chain it goes (1 = first; default: last).")
        var position: Int?

        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false

        func run() async throws {
            let request = PolicyChangeRequest(
                policy: target.policy, environment: target.env, api: target.api,
                intent: .assign(pairs: settings.pairs, position: position))
            try PolicyChange.run(request, global: global, dryRun: dryRun)
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a policy from an environment, after printing the plan.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: AssignmentOptions

        @Flag(help: "Print the plan and change nothing.")
        var dryRun = false

        func run() async throws {
            let request = PolicyChangeRequest(policy: target.policy, environment: target.env, api: target.api,
                                              intent: .unassign)
            try PolicyChange.run(request, global: global, dryRun: dryRun)
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a policy to another place in an environment's chain.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: AssignmentOptions

        @Option(help: "The new position (1 = first).")
        var to: Int

        func run() async throws {
            let request = PolicyChangeRequest(policy: target.policy, environment: target.env, api: target.api,
                                              intent: .move(to: to))
            try PolicyChange.run(request, global: global, dryRun: false)
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what assigning (or, with --unassign, removing) a policy would change, and change nothing.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: AssignmentOptions
        @OptionGroup var settings: ConfigurationOptions

        @Option(help: "Where in the chain it would go.")
        var position: Int?

        @Flag(help: "Plan removing the policy instead.")
        var unassign = false

        func run() async throws {
            let request = PolicyChangeRequest(
                policy: target.policy, environment: target.env, api: target.api,
                intent: unassign ? .unassign : .assign(pairs: settings.pairs, position: position))
            try PolicyChange.run(request, global: global, dryRun: true)
        }
    }
}

/// Plan, print, and (unless a dry run) apply one policy change.
enum PolicyChange {
    static func run(_ request: PolicyChangeRequest, global: GlobalOptions, dryRun: Bool) throws {
        let registry = try global.openRegistry()
        let plan = try registry.planPolicyChange(request)
        plan.lines.forEach { print(printable($0)) }
        guard !dryRun, !plan.isEmpty else { return }
        try registry.applyPolicyChange(request, actor: global.actorName)
        print("Applied.")
    }
}
