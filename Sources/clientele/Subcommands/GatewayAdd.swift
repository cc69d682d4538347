import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a gateway.", subcommands: [AddKong.self, AddTyk.self, AddAnypoint.self, AddSandbox.self])
    }

    /// Where the admin secret comes from: exactly one of an environment variable, an owner-only file or a command.
    struct SecretSourceOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Read the admin secret from this environment variable.", valueName: "name"))
        var secretEnv: String?

        @Option(help: ArgumentHelp("Read the admin secret from this owner-only (0600) file.", valueName: "path"))
        var secretFile: String?

        @Option(help: ArgumentHelp("Run this command and read the admin secret from its output.", valueName: "command"))
        var secretCommand: String?

        func source(required: Bool) throws -> CredentialSource {
            let given = [secretEnv != nil, secretFile != nil, secretCommand != nil].filter { $0 }.count
            if given > 1 || (required && given == 0) {
                throw ValidationError("give exactly one of --secret-env, --secret-file or --secret-command")
            }
            return secretEnv.map { .environmentVariable($0) } ?? secretFile.map { .file(AbsolutePath.of($0)) }
                ?? secretCommand.map { .command($0) } ?? .none
        }
    }

    static func checkURL(_ value: String, flag: String) throws {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw ValidationError("\(flag) '\(value)' is not an http(s) URL")
        }
    }

    static func add(_ gateway: Gateway, global: GlobalOptions, registry: Registry) throws {
        let added = try registry.addGateway(gateway, actor: global.actorName)
        print("Added \(added.kind.rawValue) gateway \(printable(added.name)). Next: clientele gateway check \(added.name) && clientele env set ENV --gateway \(added.name)")
    }

    struct AddKong: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kong", abstract: "Add a Kong Gateway, reached through its Admin API.",
            discussion: """
                Kong OSS's Admin API has no authentication of its own: keep it on a private network. With Kong \
                Enterprise RBAC, give Clientele a token for a role that can read services and routes and write \
                plugins, and pass it with --token-env or --token-file (sent as Kong-Admin-Token).
                Example: clientele gateway add kong --name kong-prod --admin-url http://kong-admin.internal:8001
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "A name for this gateway in Clientele.")
        var name: String

        @Option(help: "The Admin API URL, such as http://127.0.0.1:8001.")
        var adminURL: String

        @Option(help: ArgumentHelp("Read the admin token from this environment variable.", valueName: "name"))
        var tokenEnv: String?

        @Option(help: ArgumentHelp("Read the admin token from this owner-only (0600) file.", valueName: "path"))
        var tokenFile: String?

        @Option(help: ArgumentHelp("The header the token goes in (default Kong-Admin-Token).", valueName: "name"))
        var tokenHeader: String?

        func validate() throws {
            try ClienteleCommand.GatewayCommand.checkURL(adminURL, flag: "--admin-url")
            if tokenEnv != nil && tokenFile != nil { throw ValidationError("give at most one of --token-env or --token-file") }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let source: CredentialSource = tokenEnv.map { .environmentVariable($0) }
                ?? tokenFile.map { .file(AbsolutePath.of($0)) } ?? .none
            try ClienteleCommand.GatewayCommand.add(
                Gateway(name: name, kind: .kong, settings: GatewaySettings(url: adminURL, tokenHeader: tokenHeader),
                        credentialSource: source, createdAt: registry.clock.now),
                global: global, registry: registry)
        }
    }

    struct AddTyk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tyk", abstract: "Add a Tyk Gateway (open source), reached through its Gateway API.",
            discussion: """
                Clientele needs the gateway's API secret (tyk.conf `secret`, sent as X-Tyk-Authorization) and a \
                gateway whose policies come from files (policies.policy_source "file" with a policy_path).
                Example: clientele gateway add tyk --name tyk-prod --url http://tyk.internal:8080 --secret-file ~/.config/clientele/tyk.secret
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var secret: SecretSourceOptions

        @Option(help: "A name for this gateway in Clientele.")
        var name: String

        @Option(help: "The gateway's URL (its control API listener), such as http://127.0.0.1:8080.")
        var url: String

        func validate() throws {
            try ClienteleCommand.GatewayCommand.checkURL(url, flag: "--url")
            _ = try secret.source(required: true)
        }

        func run() async throws {
            let registry = try global.openRegistry()
            try ClienteleCommand.GatewayCommand.add(
                Gateway(name: name, kind: .tyk, settings: GatewaySettings(url: url),
                        credentialSource: try secret.source(required: true), createdAt: registry.clock.now),
                global: global, registry: registry)
        }
    }

    struct AddAnypoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anypoint", abstract: "Add a MuleSoft Anypoint organization (API Manager).",
            discussion: """
                Create a connected app that acts on its own behalf (client credentials) with the API Manager scopes \
                "Manage Policies" and "View APIs Configuration" in each environment Clientele governs; pass its \
                client id here and its secret with --secret-env, --secret-file or --secret-command.
                Example: clientele gateway add anypoint --name mulesoft --organization <org-id> --client-id <app-id> --secret-env ANYPOINT_SECRET
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var secret: SecretSourceOptions

        @Option(help: "A name for this gateway in Clientele.")
        var name: String

        @Option(help: "The organization (business group) id.")
        var organization: String

        @Option(help: "The platform host (default https://anypoint.mulesoft.com; eu1.anypoint.mulesoft.com in the EU).")
        var url: String?

        @Option(help: "The connected app's client id.")
        var clientId: String

        func validate() throws {
            if let url { try ClienteleCommand.GatewayCommand.checkURL(url, flag: "--url") }
            _ = try secret.source(required: true)
        }

        func run() async throws {
            let registry = try global.openRegistry()
            try ClienteleCommand.GatewayCommand.add(
                Gateway(name: name, kind: .anypoint,
                        settings: GatewaySettings(url: url ?? "https://anypoint.mulesoft.com",
                                                  organizationId: organization, clientId: clientId),
                        credentialSource: try secret.source(required: true), createdAt: registry.clock.now),
                global: global, registry: registry)
        }
    }
}
