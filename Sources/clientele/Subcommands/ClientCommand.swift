import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct ClientCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "client", abstract: "Clients: list, show, register at an IdP, adopt from one, delete.",
            subcommands: [List.self, Show.self, Register.self, Adopt.self, Delete.self, Grant.self, Revoke.self],
            defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List clients with their environments, secrets in service and next expiry.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Option(help: "Only clients in this environment.")
            var env: String?

            @Option(help: "Only clients of this identity provider.")
            var idp: String?

            @Option(help: "Only clients whose name, client id or owner contains this text.")
            var filter: String?

            @Option(help: "Show at most this many.")
            var limit: Int?

            func validate() throws { try checkCount(limit, flag: "--limit") }

            func run() async throws {
                let registry = try global.openRegistry()
                let thresholds = try global.configuration().expiry
                let filter = ClientFilter(text: filter, environment: env, identityProvider: idp)
                if output.json {
                    // Rows go from SQLite's bytes to the document as they are read, no String or array between.
                    // Keys in JSONEncoder's sorted order, with null rather than a missing key for an absent value.
                    var writer = FlatJSONWriter(capacity: 1 << 22)
                    try registry.forEachClientListRow(matching: filter, limit: limit) { client in
                        writer.beginObject()
                        writer.field("activeSecrets", client.activeSecrets)
                        writer.field("clientId", utf8: client.clientId)
                        writer.field("displayName", utf8: client.displayName)
                        writer.field("environments") { element in client.forEachEnvironment(element) }
                        writer.field("id", Int(client.id))
                        writer.field("identityProvider", utf8: client.identityProvider)
                        writer.field("nextExpiry", client.nextExpiry)
                        writer.field("ownerTeam", utf8: client.ownerTeam)
                        writer.endObject()
                    }
                    writer.finish()
                    return
                }
                let clients = try registry.clients(matching: filter, limit: limit)
                let now = registry.clock.now
                var table = TextTable("ID", "CLIENT", "IDP", "ENVIRONMENTS", "SECRETS", "NEXT EXPIRY", "DAYS", "STATUS")
                for client in clients {
                    table.add(
                        "#\(client.id)", printable(client.displayName), printable(client.identityProvider),
                        client.environments.map(printable).joined(separator: ","), String(client.activeSecrets),
                        client.nextExpiry.map { Timestamp.localDay($0) } ?? "never",
                        client.nextExpiry.map { String(daysLeft(until: $0, from: now)) } ?? "-",
                        thresholds.classify(client.nextExpiry, now: now).rawValue)
                }
                table.print()
                print("\(clients.count) client\(clients.count == 1 ? "" : "s")")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one client: secrets, environments, policies in effect, rotations and recent audit events.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            @Argument(help: "The client: display name, client id, or #id.")
            var client: String

            struct Document: Encodable {
                let client: Client
                let identityProvider: String
                let environments: [String]
                let secrets: [SecretWithLastUse]
                let policies: [PolicyRow]
                let rotations: [Rotation]
                let recentEvents: [AuditEvent]
                let gatewayApps: [ClientGatewayApp]
                let access: [ClientAPIAccess]
            }

            struct PolicyRow: Encodable {
                let environment: String
                let policy: String
                let api: String
                let position: Int
                let configuration: PolicyConfiguration
            }

            func run() async throws {
                let registry = try global.openRegistry()
                let thresholds = try global.configuration().expiry
                let resolved = try registry.resolveClient(client)
                let detail = try registry.clientDetail(resolved.id!)
                let now = registry.clock.now
                if output.json {
                    return try JSONOutput.print(
                        Document(
                            client: detail.client, identityProvider: detail.identityProvider.name,
                            environments: detail.environments.map(\.name),
                            secrets: detail.secrets.map {
                                SecretWithLastUse(secret: $0, lastUse: $0.lastUse(unavailable: detail.identityProvider.usageUnavailable), now: now)
                            },
                            policies: detail.policies.map {
                                PolicyRow(environment: $0.environment.name, policy: $0.assignment.policy.rawValue,
                                          api: $0.assignment.api, position: $0.assignment.position,
                                          configuration: $0.assignment.configuration)
                            }, rotations: detail.rotations, recentEvents: detail.recentEvents,
                            gatewayApps: detail.gatewayApps, access: detail.access))
                }
                let c = detail.client
                print("\(printable(c.displayName))  #\(c.id!)")
                print("  IdP:          \(printable(detail.identityProvider.name)) (\(detail.identityProvider.kind.rawValue))")
                print("  Client id:    \(printable(c.clientId))")
                if let objectId = c.objectId { print("  Object id:    \(printable(objectId))") }
                print("  Owner:        \(printable(c.ownerTeam ?? "-"))  \(printable(c.contact ?? ""))")
                print("  Environments: \(detail.environments.isEmpty ? "none" : detail.environments.map { printable($0.name) }.joined(separator: ", "))")
                print("\nSecrets")
                var secrets = TextTable("KEY ID", "HINT", "CREATED", "EXPIRES", "DAYS", "STATE", "STATUS", "LAST USED")
                for secret in detail.secrets {
                    var state = secret.state.rawValue
                    if secret.state == .grace, let until = secret.graceUntil { state = "grace until \(Timestamp.local(until))" }
                    secrets.add(
                        String(secret.keyId.prefix(8)), printable(secret.hint) + "…", Timestamp.localDay(secret.createdAt),
                        secret.expiresAt.map { Timestamp.localDay($0) } ?? "never",
                        secret.expiresAt.map { String(daysLeft(until: $0, from: now)) } ?? "-", state,
                        secret.state == .removed ? "-" : thresholds.classify(secret.expiresAt, now: now).rawValue,
                        secret.lastUse(unavailable: detail.identityProvider.usageUnavailable).columnText(now: now))
                }
                secrets.print()
                if let reason = detail.identityProvider.usageUnavailable, !detail.secrets.isEmpty {
                    print("  last use unknown: \(printable(reason))")
                }
                print("\nPolicies in effect")
                if detail.policies.isEmpty { print("  none") }
                for policy in detail.policies {
                    print("  \(printable(policy.environment.name)): \(policy.assignment.position). \(printable(policy.assignment.label))")
                }
                print("\nGateway apps")
                if detail.gatewayApps.isEmpty { print("  none (`clientele gateway sync` reads them)") }
                for app in detail.gatewayApps {
                    let role = app.holdsSecrets ? "holds this client's secrets" : "linked by client id"
                    print("  \(printable(app.environments.isEmpty ? "-" : app.environments.joined(separator: ", "))): \(printable(app.gateway)) \(printable(app.app)) (\(role)): \(printable(app.state))")
                    for finding in app.findings { print("    \(finding.kind.label): \(printable(finding.detail))") }
                }
                if !detail.access.isEmpty {
                    print("\nAccess")
                    for access in detail.access { print("  \(printable(access.environment)): \(printable(access.api))") }
                }
                if !detail.rotations.isEmpty {
                    print("\nRotations")
                    for rotation in detail.rotations {
                        print("  #\(rotation.id!) \(rotation.step.label) (started \(Timestamp.local(rotation.createdAt)))"
                              + (rotation.graceUntil.map { rotation.step == .grace ? ", grace until \(Timestamp.local($0))" : "" } ?? ""))
                    }
                }
                print("\nRecent audit events")
                if detail.recentEvents.isEmpty { print("  none") }
                for event in detail.recentEvents {
                    print("  \(Timestamp.local(event.at))  \(printable(event.attributedActor))  \(event.action)")
                }
            }
        }
    }
}
