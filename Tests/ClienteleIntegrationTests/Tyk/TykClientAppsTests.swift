import ClienteleCore
import Foundation
import Testing

/// The OAuth clients a Tyk gateway holds, read as client apps: every OAuth API's list read, one app per client
/// id, its policy's APIs as contracts, and never a secret's text in what goes to the registry.
@Suite(.serialized, .tykServer("--apis", "3", "--seed", "tyk-client-apps"))
struct TykClientAppsTests {
    @Test func everyOAuthAPIsClientsAreReadOnceEachAndMergedByClientId() async throws {
        let server = try currentTykServer()
        // More OAuth APIs than the adapter lists at once, so the listing takes several rounds.
        var apis: [String] = []
        for n in 1...11 { apis.append(try await server.oauthAPI("apps-\(n)", org: n % 2 == 0 ? "org-even" : "org-odd")) }
        let keyless = try await server.oauthAPI("apps-keyless", oauth: false)
        var secrets: [String: String] = [:]
        for (n, api) in apis.enumerated() {
            let id = "apps-client-\(n + 1)"
            secrets[id] = freshTykSecret(id)
            try await server.oauthClient(id, secret: secrets[id]!, api: api, description: n == 0 ? "" : "App \(n + 1)")
        }
        // A policy's client is copied to each OAuth API of the policy (not the keyless one it also grants).
        try await server.policy("apps-gold", granting: [apis[2], apis[3], keyless])
        secrets["apps-gold-client"] = freshTykSecret("gold")
        try await server.oauthClient("apps-gold-client", secret: secrets["apps-gold-client"]!, policy: "apps-gold",
                                     description: "Gold app")
        try await server.resetStats()

        let all = try await server.adapter().clientApps()
        let apps = all.filter { $0.remoteId.hasPrefix("apps-") }
        #expect(apps.count == 12)
        #expect(Set(all.map(\.remoteId)).count == all.count, "one app per client id")
        #expect(try await server.requests("GET /tyk/apis") == 1)
        #expect(try await server.requests("GET /tyk/policies") == 1)
        let listings = try await server.requests("GET /tyk/oauth/clients/{apiID}")
        let (_, definitions) = try await server.tyk(.GET, "/tyk/apis")
        let oauthCount = definitions.arrayValue?.filter { $0[path: "use_oauth2"]?.boolValue == true }.count ?? 0
        #expect(oauthCount >= 11)
        #expect(listings == oauthCount, "each OAuth API's clients listed once, no other API's")

        let first = try #require(apps.first { $0.remoteId == "apps-client-1" })
        #expect(first.kind == .tykOAuthClient && first.name == "apps-client-1" && first.clientIds == ["apps-client-1"])
        #expect(first.environments == ["org-odd"])
        #expect(first.contracts == [GatewayAppContract(apiRemoteId: apis[0], status: "granted")])
        #expect(first.showsSecretCopy)
        #expect(first.credentials == [GatewayCredentialMetadata(
            remoteId: SecretFingerprint.keyId(of: SecretText(secrets["apps-client-1"]!)), type: .oauthClientSecret,
            label: "OAuth client secret")])
        #expect(apps.first { $0.remoteId == "apps-client-2" }?.name == "App 2")

        let gold = try #require(apps.first { $0.remoteId == "apps-gold-client" })
        #expect(gold.name == "Gold app")
        #expect(gold.environments == ["org-even", "org-odd"])
        #expect(Set(gold.contracts.map(\.apiRemoteId)) == [apis[2], apis[3], keyless])
        #expect(gold.contracts.allSatisfy { $0.isActive })
        #expect(gold.credentials.map(\.remoteId) == [SecretFingerprint.keyId(of: SecretText(secrets["apps-gold-client"]!))])

        let encoded = String(decoding: try JSONEncoder().encode(all), as: UTF8.self)
        for (id, secret) in secrets { #expect(!encoded.contains(secret), "the secret of \(id) is in the encoded apps") }
    }

    @Test func theSecretCopyIsReadFreshAndIsNilWhereThereIsNone() async throws {
        let server = try currentTykServer()
        let api = try await server.oauthAPI("copy-api")
        let secret = freshTykSecret("copy")
        try await server.oauthClient("copy-client", secret: secret, api: api)
        let adapter = server.adapter()
        let app = try #require(try await adapter.clientApps().first { $0.remoteId == "copy-client" })
        #expect(try await adapter.secretCopy(of: app, clientId: "copy-client")?.reveal() == secret)
        // Rotated at Tyk behind Clientele's back: the copy is read again, not remembered.
        let (status, rotated) = try await server.tyk(.PUT, "/tyk/oauth/clients/\(api)/copy-client/rotate")
        try #require(status == 200)
        #expect(try await adapter.secretCopy(of: app, clientId: "copy-client")?.reveal() == rotated[path: "secret"]?.stringValue)
        #expect(try await adapter.secretCopy(of: app, clientId: "someone-else") == nil)
        _ = try await server.tyk(.DELETE, "/tyk/oauth/clients/\(api)/copy-client")
        #expect(try await adapter.secretCopy(of: app, clientId: "copy-client") == nil)
    }

    @Test func aListThatFailsIsOneLineNamingTheAPI() async throws {
        let server = try currentTykServer()
        let api = try await server.oauthAPI("failing-list")
        try await server.fault(#"{"method":"GET","path_regex":"^/tyk/oauth/clients/\#(api)$","status":500,"count":1}"#)
        let line = await errorLine { _ = try await server.adapter().clientApps() }
        try await server.clearFaults()
        #expect(line.hasPrefix("gateway tyk-test: listing the OAuth clients of API \(api): Tyk answered HTTP 500"), "\(line)")
        #expect(!line.contains("\n"))
    }
}
