import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.ClientCommand {
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a client at an identity provider; its first secret is delivered like a rotated one.",
            discussion: "Example: clientele client register orders-api --idp corp --env Dev --env Prod --secret-file ./orders-api.secret")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The new client's display name.")
        var name: String

        @Option(help: "The identity provider to create it at.")
        var idp: String

        @Option(name: .customLong("env"), help: "An environment it belongs to (repeatable).")
        var environments: [String] = []

        @Option(help: "The first secret's lifetime (default: the IdP's).", transform: parseDuration(flag: "--lifetime"))
        var lifetime: DurationText?

        @Option(help: ArgumentHelp("Write the first secret to this new file (mode 0600).", valueName: "path"))
        var secretFile: String?

        @Option(help: ArgumentHelp("Pipe the first secret to this shell command.", valueName: "command"))
        var secretCommand: String?

        func validate() throws {
            if secretFile != nil && secretCommand != nil {
                throw ValidationError("give at most one of --secret-file and --secret-command")
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let provider = try registry.identityProvider(named: idp)
            let delivery: SecretDelivery = secretFile.map { .file(path: AbsolutePath.of($0)) }
                ?? secretCommand.map { .command($0) } ?? .terminal
            let client = try await ClientOnboarding(registry: registry, adapters: global.adapters(for: registry)).register(
                name: name, idp: provider, environments: environments, lifetime: lifetime, delivery: delivery,
                deliverer: SecretDeliverer(showOnce: isatty(STDOUT_FILENO) == 1 ? ClienteleCommand.Rotate.showOnce : nil),
                actor: global.actorName)
            print("Registered \(printable(client.displayName)) at \(printable(provider.name)): client id \(client.clientId) (#\(client.id!)).")
            if let secretFile { print("Its secret is in \(secretFile) (mode 0600).") }
        }
    }

    struct Adopt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take over a client created elsewhere (a portal, another tool) into the registry.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The client id at the IdP.")
        var clientId: String

        @Option(help: "Its identity provider.")
        var idp: String

        @Option(name: .customLong("env"), help: "An environment it belongs to (repeatable).")
        var environments: [String] = []

        @Option(help: ArgumentHelp("OIDC: an owner-only file holding the client's registration access token.",
                                   valueName: "path"))
        var registrationAccessTokenFile: String?

        @Option(help: ArgumentHelp("OIDC: the client's registration client URI (RFC 7592).", valueName: "uri"))
        var registrationClientUri: String?

        func validate() throws {
            guard (registrationAccessTokenFile == nil) == (registrationClientUri == nil) else {
                throw ValidationError("--registration-access-token-file and --registration-client-uri go together")
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let provider = try registry.identityProvider(named: idp)
            var registration: RegistrationAccess?
            if let tokenFile = registrationAccessTokenFile, let uri = registrationClientUri {
                guard case .secret(let token) = try CredentialSource.file(AbsolutePath.of(tokenFile)).load(idpName: provider.name)
                else {
                    throw ClienteleError.invalidInput("registration access token file \(tokenFile) is empty")
                }
                registration = RegistrationAccess(clientURI: uri, token: token)
            }
            let client = try await ClientOnboarding(registry: registry, adapters: global.adapters(for: registry)).adopt(
                clientId: clientId, idp: provider, environments: environments, registration: registration,
                actor: global.actorName)
            let secrets = try registry.clientDetail(client.id!).secrets.count
            print("Adopted \(printable(client.displayName)) (#\(client.id!)) from \(printable(provider.name)) with \(secrets) secret\(secrets == 1 ? "" : "s").")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a client at its identity provider and from the registry.",
            discussion: "Callers using it stop working at once. Asks for confirmation unless --yes.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The client: display name, client id, or #id.")
        var client: String

        @Flag(help: "Do not ask.")
        var yes = false

        func run() async throws {
            let registry = try global.openRegistry()
            let resolved = try registry.resolveClient(client)
            let idp = try registry.identityProvider(id: resolved.identityProviderId)
            if !yes {
                let question = "Delete \(printable(resolved.displayName)) (\(resolved.clientId)) at \(printable(idp.name))? Its callers stop working."
                guard isatty(STDIN_FILENO) == 1, Confirmation.ask(question) else {
                    throw ClienteleError.confirmationRequired(
                        "deleting \(resolved.displayName) at IdP \(idp.name) cannot be undone; confirm with --yes")
                }
            }
            let deleted = try await ClientOnboarding(registry: registry, adapters: global.adapters(for: registry))
                .delete("#\(resolved.id!)", actor: global.actorName)
            print("Deleted \(printable(deleted.displayName)) at \(printable(idp.name)).")
        }
    }
}
