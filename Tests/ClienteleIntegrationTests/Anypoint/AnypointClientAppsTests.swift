import ClienteleCore
import Foundation
import Testing

/// The organization's client side through the adapter against the Anypoint test server (260 seeded applications,
/// more than Exchange's page of 250): every application with its client id, the fingerprint of the secret it
/// shows and its contracts; the copy of the secret read fresh, before and after "Reset Secret" is pressed. Every
/// answer the server gives is checked against MuleSoft's OpenAPI fragments.
@Suite(.serialized, .anypointServer("--apis", "3", "--applications", "260", "--seed", "clientele-anypoint-apps"))
struct AnypointClientAppsTests {
    static let seeded = 260

    func unique(_ prefix: String) -> String { "\(prefix) \(UUID().uuidString.prefix(8))" }

    @Test func clientAppsReadsEveryPageWithCredentialMetadataAndContracts() async throws {
        let server = try currentAnypointServer()
        let clientId = UUID().uuidString.lowercased()
        let secret = "idp-secret-" + UUID().uuidString
        let external = try await server.seedApplication(name: unique("Entra orders"), clientId: clientId, secret: secret)
        let made = try await server.createApplication(name: unique("Portal billing"))
        let prod = try await server.apis("Prod")
        let sandbox = try await server.apis("Sandbox")
        try await server.grant(external, api: prod[0].remoteId, in: "Prod")
        try await server.grant(external, api: sandbox[1].remoteId, in: "Sandbox")
        let revoked = try await server.grant(made.id, api: prod[0].remoteId, in: "Prod")
        try await server.revoke(contract: revoked, api: prod[0].remoteId, in: "Prod")
        try await server.resetContract()

        let apps = try await server.adapter().clientApps()
        #expect(Set(apps.map(\.remoteId)).count == apps.count)
        // The seeded ones sort first by name, so the last of them come on the second page.
        let names = Set(apps.map(\.name))
        #expect((1...Self.seeded).allSatisfy { names.contains(String(format: "Application %05d", $0)) })
        #expect(apps.count >= Self.seeded + 2)

        let app = try #require(apps.first { $0.remoteId == String(external) })
        #expect(app.kind == .anypointApplication && app.clientIds == [clientId] && app.environments == nil)
        #expect(app.name.hasPrefix("Entra orders") && app.showsSecretCopy)
        #expect(app.credentials == [GatewayCredentialMetadata(
            remoteId: SecretFingerprint.keyId(of: SecretText(secret)), type: .oauthClientSecret, label: "client secret")])
        #expect(app.contracts == [GatewayAppContract(apiRemoteId: prod[0].remoteId, status: "APPROVED"),
                                  GatewayAppContract(apiRemoteId: sandbox[1].remoteId, status: "APPROVED")]
            .sorted { $0.apiRemoteId < $1.apiRemoteId })
        let portal = try #require(apps.first { $0.remoteId == String(made.id) })
        #expect(portal.clientIds == [made.clientId])
        #expect(portal.contracts == [GatewayAppContract(apiRemoteId: prod[0].remoteId, status: "REVOKED")])
        #expect(portal.contracts.allSatisfy { !$0.isActive })
        #expect(apps.first { $0.name == "Application 00001" }?.contracts == [])

        // The apps go into the registry as JSON: no secret the test knows of may be in it.
        let json = String(decoding: try JSONEncoder().encode(apps), as: UTF8.self)
        for text in [secret, made.secret, server.clientSecret] { #expect(!json.contains(text)) }
        #expect(json.contains(SecretFingerprint.keyId(of: SecretText(made.secret))))
        try await server.expectConformingResponses()
    }

    @Test func secretCopyIsTheProvidersSecretUntilResetIsPressed() async throws {
        let server = try currentAnypointServer()
        let clientId = UUID().uuidString.lowercased()
        let secret = "idp-secret-" + UUID().uuidString
        let id = try await server.seedApplication(name: unique("Entra shipping"), clientId: clientId, secret: secret)
        let adapter = server.adapter()
        let app = try #require(try await adapter.clientApps().first { $0.remoteId == String(id) })
        #expect(try await adapter.secretCopy(of: app, clientId: clientId)?.reveal() == secret)
        #expect(try await adapter.secretCopy(of: app, clientId: "another-client") == nil)

        try await server.resetSecret(id)
        let copy = try #require(try await adapter.secretCopy(of: app, clientId: clientId))
        let shown = try await server.shownSecret(id)
        #expect(copy.reveal() != secret && copy.reveal() == shown)

        try await server.deleteApplication(id)
        #expect(try await adapter.secretCopy(of: app, clientId: clientId) == nil)
        #expect(try await adapter.clientApps().allSatisfy { $0.remoteId != String(id) })
        try await server.expectConformingResponses()
    }

    @Test func aRefusedListingIsOneLineNamingTheOrganization() async throws {
        let server = try currentAnypointServer()
        try await server.fault(#"{"kind":"status","status":403,"count":1,"method":"GET","path_regex":"/exchange/api/v2/organizations/[^/]+/applications$"}"#)
        let line = await errorLine { _ = try await server.adapter().clientApps() }
        #expect(line.hasPrefix("gateway anypoint-test: listing the client applications of organization \(server.organizationId): HTTP 403"), "\(line)")
        #expect(line.contains("give the connected app Exchange permissions to manage client applications in this organization"), "\(line)")
        #expect(!line.contains("\n"))
        try await server.clearFaults()
        try await server.resetContract()
    }
}
