import Foundation
import Testing
@testable import ClienteleCore

/// A sandbox on a PostgreSQL registry keeps its state in a schema of its own in the registry's database: two
/// processes (two registry handles) see one sandbox, and no file is involved.
@Suite struct SandboxOnPostgresTests {
    let url: String
    let alice: Registry
    let bob: Registry

    init() throws {
        url = try TestPostgres.freshDatabase("sandbox")
        alice = try Registry.open(at: url, create: true)
        bob = try Registry.open(at: url)
    }

    @Test func aSandboxIdPIsTheSameForEveryProcessOnTheRegistry() async throws {
        let state = alice.sandboxHome.newStateName(for: "Team Sandbox")
        #expect(state == "sandbox_team_sandbox")
        let mine = try SandboxIdentityProvider(state: state, in: alice.sandboxHome, profile: .entra, clock: .wall, create: true)
        let (client, first) = try await mine.register(displayName: "partner", secretLifetime: 30 * 86_400)
        let reference = RemoteClientReference(clientId: client.clientId)

        let theirs = try SandboxIdentityProvider(state: state, in: bob.sandboxHome, profile: .entra, clock: .wall)
        #expect(try await theirs.verify(first.text, for: reference) == .accepted)
        let second = try await theirs.addSecret(to: reference, displayName: "second", expiresAt: Date() + 86_400)
        #expect(try await mine.client(reference)?.secrets.map(\.keyId) == [first.metadata.keyId, second.metadata.keyId])
        guard case .available(let used) = try await mine.secretUsage(of: [reference]) else {
            Issue.record("the sandbox reports use")
            return
        }
        #expect(Set(used.keys) == [first.metadata.keyId])
        try await mine.removeSecret(first.metadata.keyId, from: reference)
        #expect(try await theirs.verify(first.text, for: reference) != .accepted)
        #expect(try await theirs.verify(second.text, for: reference) == .accepted)

        try theirs.seed([RemoteClient(clientId: "seeded", objectId: nil, displayName: "seeded", secrets: [
            RemoteSecret(keyId: "k-seeded", hint: "abc", displayName: "old", createdAt: Date() - 86_400, expiresAt: nil),
        ])])
        #expect(try await mine.discoverClients().map(\.clientId).sorted() == [client.clientId, "seeded"].sorted())
        try mine.setAdminCredentialExpiry(Date(timeIntervalSince1970: 1_900_000_000))
        let access = try await theirs.checkAdminAccess()
        #expect(access.credentialExpiresAt == Date(timeIntervalSince1970: 1_900_000_000))
        #expect(access.detail.contains("schema sandbox_team_sandbox of \(url)"))
        #expect(try TestPostgres.strings(url, "SELECT CAST(count(*) AS TEXT) FROM sandbox_team_sandbox.password") == ["2"])

        // The registry is still a registry: its own schema holds only its own tables.
        _ = try Registry.open(at: url)
    }

    @Test func theOIDCProfileKeepsOneSecretWhoeverAddsIt() async throws {
        let state = alice.sandboxHome.newStateName(for: "oidc")
        let mine = try SandboxIdentityProvider(state: state, in: alice.sandboxHome, profile: .oidc, clock: .wall, create: true)
        let theirs = try SandboxIdentityProvider(state: state, in: bob.sandboxHome, profile: .oidc, clock: .wall)
        let (client, first) = try await mine.register(displayName: "one", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        let replacement = try await theirs.addSecret(to: reference, displayName: "next", expiresAt: nil)
        #expect(replacement.replacedKeyIds == [first.metadata.keyId])
        #expect(try await mine.client(reference)?.secrets.count == 1)
    }

    @Test func aMissingSandboxIsOneLine() throws {
        let text = try #require(throws: ClienteleError.self) {
            try SandboxIdentityProvider(state: "sandbox_nowhere", in: alice.sandboxHome, profile: .entra, clock: .wall)
        }.description
        #expect(text.contains("sandbox_nowhere") && text.contains("is missing") && !text.contains("\n"))
        #expect(try TestPostgres.strings(url, "SELECT schema_name FROM information_schema.schemata WHERE schema_name = 'sandbox_nowhere'").isEmpty)
    }

    @Test func aSandboxGatewayIsTheSameForEveryProcessOnTheRegistry() async throws {
        let state = alice.sandboxHome.newStateName(for: "edge")
        let mine = try SandboxGateway(state: state, in: alice.sandboxHome, imitating: .anypoint, create: true, name: "edge")
        try mine.seed(apis: [RemoteAPI(remoteId: "1", name: "orders-api"), RemoteAPI(remoteId: "2", name: "billing-api")],
                      environment: "prod-env")
        try mine.addByHand(apiName: "orders-api", environment: "prod-env", element: "rate-limiting",
                           fields: ["limit": .number(100)])
        try mine.tamper(apiName: "orders-api", environment: nil, element: "rate-limiting", field: "limit", value: .number(5))
        let app = try mine.seedApp(name: "partner", clientIds: ["partner-client"], contracts: [(api: "orders-api", environment: "prod-env")],
                                   secrets: [(text: SecretText("first-secret"), createdAt: Date(), expiresAt: nil)])

        let theirs = try SandboxGateway(state: state, in: bob.sandboxHome, imitating: .anypoint, name: "edge")
        let scope = GatewayScope(gatewayName: "edge", environmentName: "Prod", gatewayEnvironment: "prod-env")
        let apis = try await theirs.apis(in: scope)
        #expect(apis.map(\.name) == ["billing-api", "orders-api"])
        #expect(try await theirs.apis(in: GatewayScope(gatewayName: "edge", environmentName: "Dev", gatewayEnvironment: "dev")).isEmpty)
        let policies = try await theirs.policies(on: apis, in: scope)
        #expect(policies.map(\.element) == ["rate-limiting"])
        #expect(policies.first?.fields["limit"] == .number(5) && policies.first?.managed == false)

        let apps = try await theirs.clientApps()
        #expect(apps.map(\.remoteId) == [app] && apps.first?.contracts.first?.apiRemoteId == "1")
        let holder = theirs.credentialHolder()
        let reference = RemoteClientReference(clientId: "partner-client", objectId: app)
        let rotated = try await holder.addSecret(to: reference, displayName: "next", expiresAt: nil)
        #expect(rotated.replacedKeyIds.count == 1)
        #expect(try await mine.credentialHolder().verify(rotated.text, for: reference) == .accepted)
        #expect(try await mine.credentialHolder().verify(SecretText("first-secret"), for: reference) != .accepted)
        #expect(try await mine.secretCopy(of: try #require(try await mine.clientApps().first), clientId: "partner-client")?
            .reveal() == rotated.text.reveal())
        #expect(try await theirs.check().manageable.first?.contains("schema sandbox_edge") == true)
    }
}
