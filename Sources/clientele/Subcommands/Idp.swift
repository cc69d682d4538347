import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Idp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "idp", abstract: "Identity providers: add Entra ID tenants and OIDC providers, check access.",
            discussion: """
                Clientele records where its admin credential comes from (an environment variable, an owner-only \
                file, a command, or a certificate), never the credential itself.
                """,
            subcommands: [List.self, Show.self, Add.self, Remove.self, Check.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List identity providers.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            struct Row: Encodable {
                let name: String
                let kind: String
                let endpoint: String
                let credential: String
                let adminCredentialExpiresAt: Date?
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let rows = try registry.identityProviders().map {
                    Row(name: $0.name, kind: $0.kind.rawValue, endpoint: Idp.endpoint($0),
                        credential: $0.credentialSource.description, adminCredentialExpiresAt: $0.adminCredentialExpiresAt)
                }
                if output.json { return try JSONOutput.print(rows) }
                var table = TextTable("IDP", "KIND", "ENDPOINT", "ADMIN CREDENTIAL", "EXPIRES")
                for row in rows {
                    table.add(printable(row.name), row.kind, printable(row.endpoint), printable(row.credential),
                              row.adminCredentialExpiresAt.map { Timestamp.localDay($0) } ?? "-")
                }
                table.print()
            }
        }

        static func endpoint(_ idp: IdentityProvider) -> String {
            switch idp.kind {
            case .entra: return "tenant \(idp.settings.tenant ?? "?") via \(idp.settings.graph ?? EntraEndpoints.publicGraph)"
            case .oidc: return idp.settings.issuer ?? "?"
            case .sandbox: return "sandbox (\(idp.settings.sandboxProfile?.rawValue ?? "entra") profile)"
            case .gateway: return "secrets held by gateway \(idp.name)"
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one identity provider's settings.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Argument(help: "The IdP's name.")
            var name: String

            func run() async throws {
                let registry = try global.openRegistry()
                let idp = try registry.identityProvider(named: name)
                if output.json { return try JSONOutput.print(idp) }
                print("\(printable(idp.name)) (\(idp.kind.rawValue))")
                print("  endpoint:          \(printable(Idp.endpoint(idp)))")
                if let client = idp.settings.adminClientId { print("  admin client id:   \(client)") }
                if let authority = idp.settings.authority { print("  authority:         \(authority)") }
                if let scopes = idp.settings.scopes { print("  scopes:            \(scopes.joined(separator: " "))") }
                if idp.kind == .entra {
                    print("  replication wait:  \(idp.settings.secretReplicationWait?.description ?? "2m (default)")")
                }
                if let support = idp.settings.clientManagement {
                    let verdicts = support.operations.map {
                        "\($0.name) \($0.finding.supported.map { $0 ? "yes" : "no" } ?? "?")"
                    }
                    print("  client management: \(verdicts.joined(separator: ", ")) (RFC 7591/7592, checked \(Timestamp.local(support.checkedAt)))")
                } else if idp.kind == .oidc {
                    print("  client management: unknown (run `clientele idp check \(printable(idp.name))`)")
                }
                print("  admin credential:  \(printable(idp.credentialSource.description))")
                print("  credential expires: \(idp.adminCredentialExpiresAt.map { Timestamp.local($0) } ?? "unknown (run `clientele idp check`)")")
                print("  clients:           \(try registry.clients(matching: ClientFilter(identityProvider: idp.name)).count)")
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an identity provider.", subcommands: [AddEntra.self, AddOIDC.self, AddSandbox.self])
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Forget an identity provider (nothing changes at the IdP).")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The IdP's name.")
            var name: String

            @Flag(help: "Also forget its clients in the registry.")
            var force = false

            func run() async throws {
                let registry = try global.openRegistry()
                try registry.removeIdentityProvider(named: name, force: force, actor: global.actorName)
                print("Removed IdP \(printable(name)).")
            }
        }

        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check that Clientele can get an admin token at each IdP, when its own credential expires, and whether it may read when secrets were last used.",
                discussion: "Exit status: 0 when every IdP checked answers, 2 otherwise.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "Only this IdP.")
            var name: String?

            func run() async throws {
                let registry = try global.openRegistry()
                let service = IdentityProviderCheck(registry: registry, adapters: global.adapters(for: registry))
                let idps = try name.map { [try registry.identityProvider(named: $0)] } ?? registry.identityProviders()
                var failures = 0
                for idp in idps {
                    do {
                        let result = try await service.check(idp, actor: global.actorName)
                        guard result.access.canAct else {
                            ErrorReport.printError(result.access.detail)
                            failures += 1
                            continue
                        }
                        let expiry = result.access.credentialExpiresAt.map {
                            "admin credential expires \(Timestamp.local($0)) (\(daysLeft(until: $0, from: registry.clock.now)) days)"
                        } ?? "admin credential has no expiry"
                        print("\(printable(idp.name)): ok: \(printable(result.access.detail)); \(expiry)")
                        if let support = result.clientManagement { Self.describe(support) }
                        if let usage = result.usage {
                            // Informational: without it Clientele works as before, with "last use unknown".
                            print("  sign-in activity: \(usage.readable ? "readable" : "not readable"): \(printable(usage.detail))")
                        }
                    } catch {
                        ErrorReport.printError((error as? ClienteleError)?.description ?? String(describing: error))
                        failures += 1
                    }
                }
                if failures > 0 { throw ExitCode(2) }
            }

            /// "  update: unsupported (HTTP 405)", one line per RFC 7591/7592 operation.
            static func describe(_ support: ClientManagementSupport) {
                for (name, finding) in support.operations {
                    let verdict = finding.supported.map { $0 ? "supported" : "unsupported" } ?? "unknown"
                    print("  \(name): \(verdict) (\(printable(finding.detail)))")
                }
                if support.update.supported == false {
                    print("  rotation: this provider cannot update clients (RFC 7592): rotate secrets in its own console, then `clientele sync`")
                }
            }
        }
    }
}
