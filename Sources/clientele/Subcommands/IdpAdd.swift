import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.Idp {
    struct AddEntra: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "entra", abstract: "Add a Microsoft Entra ID tenant, reached through Microsoft Graph.",
            discussion: """
                Clientele's app registration needs the Graph application permission Application.ReadWrite.OwnedBy \
                (it then manages the apps it owns). Prefer a certificate over a secret.
                Example: clientele idp add entra --name corp --tenant <tenant-id> --client-id <app-id> --certificate cert.pem --key key.pem
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "A name for this IdP in Clientele.")
        var name: String

        @Option(help: "The directory (tenant) id.")
        var tenant: String

        @Option(help: "Clientele's own app registration (its application/client id).")
        var clientId: String

        @Option(help: ArgumentHelp("Read the admin secret from this environment variable.", valueName: "name"))
        var secretEnv: String?

        @Option(help: ArgumentHelp("Read the admin secret from this owner-only (0600) file.", valueName: "path"))
        var secretFile: String?

        @Option(help: ArgumentHelp("Run this command and read the admin secret from its output.", valueName: "command"))
        var secretCommand: String?

        @Option(help: ArgumentHelp("Sign in with this certificate (PEM) instead of a secret.", valueName: "path"))
        var certificate: String?

        @Option(help: ArgumentHelp("The certificate's private key (PEM, owner-only).", valueName: "path"))
        var key: String?

        @Option(help: "Token authority (default https://login.microsoftonline.com).")
        var authority: String?

        @Option(help: "Microsoft Graph base URL (default https://graph.microsoft.com/v1.0).")
        var graph: String?

        @Option(help: ArgumentHelp(
            "How long a rotation keeps asking about a new secret Entra still refuses while it replicates (default 2m).",
            valueName: "duration"),
                // A rotation holds its lease and keeps asking for this long: replication takes seconds to minutes.
                transform: parseDuration(flag: "--secret-replication-wait", longest: DurationText(seconds: 3600)))
        var secretReplicationWait: DurationText?

        func validate() throws {
            let sources = [secretEnv != nil, secretFile != nil, secretCommand != nil, certificate != nil]
            guard sources.filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --secret-env, --secret-file, --secret-command or --certificate")
            }
            guard (certificate == nil) == (key == nil) else {
                throw ValidationError("--certificate and --key go together")
            }
            for (flag, value) in [("--authority", authority), ("--graph", graph)] {
                if let value, URL(string: value)?.host == nil { throw ValidationError("\(flag) '\(value)' is not a URL") }
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let source: CredentialSource = secretEnv.map { .environmentVariable($0) }
                ?? secretFile.map { .file(AbsolutePath.of($0)) } ?? secretCommand.map { .command($0) }
                ?? .certificate(certificateFile: AbsolutePath.of(certificate!), privateKeyFile: AbsolutePath.of(key!))
            let idp = try registry.addIdentityProvider(
                IdentityProvider(
                    name: name, kind: .entra,
                    settings: IdentityProviderSettings(
                        tenant: tenant, adminClientId: clientId, authority: authority ?? EntraEndpoints.publicAuthority,
                        graph: graph ?? EntraEndpoints.publicGraph, secretReplicationWait: secretReplicationWait),
                    credentialSource: source, createdAt: registry.clock.now),
                actor: global.actorName)
            print("Added Entra ID tenant \(printable(idp.name)). Next: clientele idp check \(idp.name) && clientele sync --idp \(idp.name)")
        }
    }

    struct AddOIDC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oidc",
            abstract: "Add an OpenID Connect provider with dynamic client registration (RFC 7591/7592).",
            discussion: """
                Registration access tokens for the clients Clientele manages are kept in the registry, each sealed \
                with AES-256-GCM under the credentials key ($CLIENTELE_CREDENTIALS_KEY, or the owner-only key file \
                $XDG_CONFIG_HOME/clientele/credentials.key), never in clear; on a shared registry every process \
                needs the same key.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "A name for this IdP in Clientele.")
        var name: String

        @Option(help: "The issuer URL (discovery starts from it).")
        var issuer: String

        @Option(name: .customLong("scope"), help: "A scope registered clients ask for, and that verification requests (repeatable).")
        var scopes: [String] = []

        @Option(help: ArgumentHelp("An owner-only file holding the initial access token, if the provider requires one.",
                                   valueName: "path"))
        var initialAccessTokenFile: String?

        func validate() throws {
            guard let url = URL(string: issuer), url.host != nil, ["https", "http"].contains(url.scheme ?? "") else {
                throw ValidationError("--issuer '\(issuer)' is not an http(s) URL")
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            let idp = try registry.addIdentityProvider(
                IdentityProvider(
                    name: name, kind: .oidc,
                    settings: IdentityProviderSettings(issuer: issuer, scopes: scopes.isEmpty ? nil : scopes),
                    credentialSource: initialAccessTokenFile.map { .file(AbsolutePath.of($0)) } ?? .none,
                    createdAt: registry.clock.now),
                actor: global.actorName)
            print("Added OIDC provider \(printable(idp.name)). Next: clientele idp check \(idp.name)")
        }
    }

    struct AddSandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sandbox",
            abstract: "Add an embedded sandbox IdP for trying Clientele out.",
            discussion: """
                Its state is a file beside a SQLite registry, or tables of its own in a PostgreSQL registry's \
                database (so every teammate sees the same sandbox).
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "A name for this IdP in Clientele.")
        var name: String

        @Option(help: "Behave like entra (overlapping secrets) or oidc (one secret at a time).")
        var profile: SandboxProfile = .entra

        func run() async throws {
            let registry = try global.openRegistry()
            try registry.checkMayAddIdentityProvider()
            let state = registry.sandboxHome.newStateName(for: name)
            _ = try SandboxIdentityProvider(
                state: state, in: registry.sandboxHome, profile: profile, clock: registry.clock, create: true)
            let idp = try registry.addIdentityProvider(
                IdentityProvider(
                    name: name, kind: .sandbox,
                    settings: IdentityProviderSettings(sandboxStateFile: state, sandboxProfile: profile),
                    credentialSource: .none, createdAt: registry.clock.now),
                actor: global.actorName)
            print("Added sandbox IdP \(printable(idp.name)) (\(profile.rawValue) profile). Next: clientele client register my-api --idp \(idp.name) --secret-file ./my-api.secret")
        }
    }
}

extension SandboxProfile: ExpressibleByArgument {}

