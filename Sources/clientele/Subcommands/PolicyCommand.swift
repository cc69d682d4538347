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
            subcommands: [List.self, Show.self, Assign.self, Unassign.self, Move.self, Plan.self, Apply.self],
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
            abstract: "Show what a policy change would do, in the registry and at the environment's gateway; change nothing.",
            discussion: """
                With a policy: what assigning it (or, with --unassign, removing it) would change. Without one: what \
                `clientele policy apply --env ENV` would do at the gateway now. Gateway changes are shown in the \
                gateway's own terms (Kong plugin fields, Anypoint configurationData, Tyk API-definition fields).
                Examples: clientele policy plan --env Prod; clientele policy plan rate-limiting --env Prod --config requests=100
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var settings: ConfigurationOptions

        @Argument(help: "The policy, such as rate-limiting (default: the environment's pending gateway plan).")
        var policy: PolicyKind?

        @Option(help: "The environment.")
        var env: String

        @Option(help: "Narrow it to one API (default: every API in the environment).")
        var api: String?

        @Option(help: "Where in the chain it would go.")
        var position: Int?

        @Flag(help: "Plan removing the policy instead.")
        var unassign = false

        func validate() throws {
            if policy == nil, !settings.pairs.isEmpty || api != nil || position != nil || unassign {
                throw ValidationError("--config, --api, --position and --unassign need a policy name")
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let environment = try registry.environment(named: env)
            let service = try global.gatewayPolicies(for: registry)
            guard let policy else {
                let inspection = try await service.inspect(environment: environment.name, actor: global.actorName)
                return GatewayPlanOutput.print(inspection)
            }
            let request = PolicyChangeRequest(
                policy: policy, environment: env, api: api,
                intent: unassign ? .unassign : .assign(pairs: settings.pairs, position: position))
            let plan = try registry.planPolicyChange(request)
            plan.lines.forEach { print(printable($0)) }
            guard environment.gatewayId != nil else { return }
            print("")
            GatewayPlanOutput.print(try await service.inspect(environment: environment.name, after: plan),
                                    afterChange: true)
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the environment's gateway run what the registry assigns, after showing the plan.",
            discussion: """
                Only what Clientele manages changes (Kong plugins tagged as Clientele's, Tyk policies and API fields \
                it wrote, Anypoint policies on the environment's instances). Each step is recorded before and after \
                it runs: an apply that was interrupted resumes when run again, and never makes a change twice.
                Without --yes it asks at a terminal; without one it refuses.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The environment.")
        var env: String

        @Flag(help: "Show the plan and change nothing.")
        var dryRun = false

        @Flag(help: "Apply without asking.")
        var yes = false

        func run() async throws {
            let registry = try global.openRegistry()
            let service = try global.gatewayPolicies(for: registry)
            if dryRun {
                return GatewayPlanOutput.print(try await service.inspect(environment: env, actor: global.actorName))
            }
            let confirmed = yes
            let outcome = try await service.apply(
                environment: env, actor: global.actorName,
                confirm: { inspection, _ in
                    GatewayPlanOutput.print(inspection)
                    if confirmed { return true }
                    guard isatty(STDIN_FILENO) == 1 else {
                        throw ClienteleError.confirmationRequired(
                            "applying to \(inspection.environment.name) changes gateway \(inspection.gateway.name); confirm with --yes")
                    }
                    return Confirmation.ask("Apply these changes to \(printable(inspection.gateway.name))?")
                },
                progress: { print(printable($0)) })
            guard let apply = outcome.apply else {
                print("Nothing to apply: \(printable(env))'s gateway already runs what the registry assigns.")
                outcome.leftAlone.forEach { print("  left alone (not Clientele's): \(printable($0.element)) on \(printable($0.apiName))") }
                return
            }
            let found = outcome.foundDone.isEmpty ? "" : ", \(outcome.foundDone.count) found already done"
            print("Applied policy apply #\(apply.id!): \(outcome.performed.count) step\(outcome.performed.count == 1 ? "" : "s") made\(found).")
        }
    }
}

/// A gateway plan as an operator reads it: each step in the gateway's terms, then what apply leaves alone.
enum GatewayPlanOutput {
    static func print(_ inspection: GatewayInspection, afterChange: Bool = false) {
        let steps = inspection.steps
        let header = "At gateway \(inspection.gateway.name) (\(inspection.gateway.kindLabel)) for \(inspection.environment.name), \(inspection.apis.count) APIs"
        if steps.isEmpty {
            Swift.print(printable(header + (afterChange ? ": applying would change nothing there" : ": nothing to change")))
        } else {
            Swift.print(printable(header + (afterChange ? ", `policy apply` would then:" : ":")))
            for step in steps {
                GatewayText.lines(for: step, mapping: inspection.mapping).forEach { Swift.print("  " + printable($0)) }
            }
        }
        for difference in inspection.leftAlone {
            Swift.print("  left alone (not Clientele's; adopt it with `clientele gateway sync --adopt` or remove it at the gateway):")
            GatewayText.lines(for: difference, mapping: inspection.mapping).forEach { Swift.print("    " + printable($0)) }
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
