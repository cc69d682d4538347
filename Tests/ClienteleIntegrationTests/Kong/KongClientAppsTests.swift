import ClienteleCore
import Foundation
import Testing

/// Kong consumers as client apps: every page of consumers and of each credential list, the metadata of every
/// credential kind (never its text), ACL contracts, and the OAuth2 secret copy Kong shows.
@Suite struct KongClientAppsTests {
    @Test func everyPageOfTwelveHundredConsumersAndTheirCredentialsIsRead() async throws {
        let server = try KongTestServer("--consumers", "1200")
        try await server.resetStats()
        let apps = try await server.adapter().clientApps()
        #expect(apps.count == 1200)
        #expect(Set(apps.map(\.remoteId)).count == 1200)
        let last = try #require(apps.first { $0.name == "consumer-01200" })
        #expect(last.kind == .kongConsumer)
        #expect(last.clientIds == ["client-01200"])
        #expect(last.environments == ["seeded"])
        #expect(last.credentials.map(\.type).sorted { $0.rawValue < $1.rawValue } == [.acl, .keyAuth])
        #expect(apps.allSatisfy { $0.credentials.count == 2 }, "a credential on a second page was missed")
        // Two pages of 1,000 of each list: consumers, key-auths and acls read once each, not per consumer.
        #expect(try await server.requests("GET /consumers") == 2)
        #expect(try await server.requests("GET /key-auths") == 2)
        #expect(try await server.requests("GET /acls") == 2)
        #expect(try await server.requests("GET /consumers/{key}/key-auth") == 0)
    }

    /// One consumer holding every kind of credential, with its texts known to the test.
    struct Holder {
        let server: KongTestServer
        let consumerId: String
        let texts: [String]
        let plainClientId: String
        let hashedClientId: String
        let expiringKeyId: String
        /// When the key with a ttl of an hour was asked for and answered: its end lies an hour after a moment
        /// between the two.
        let expiringMade: ClosedRange<Date>
    }

    static func holder() async throws -> Holder {
        let server = try KongTestServer("--apis", "4")
        let id = try await server.consumer("billing", customId: "billing-client", tags: ["prod", "managed-by-clientele"])
        let beforeExpiring = Date()
        let expiring = try await server.credential(id, "key-auth", #"{"ttl": 3600}"#)
        let afterExpiring = Date()
        let forever = try await server.credential(id, "key-auth")
        try await server.credential(
            id, "oauth2", #"{"name": "billing web", "client_id": "billing-oauth", "client_secret": "plain-secret-text-1", "redirect_uris": ["https://billing.example/cb"]}"#)
        let hashed = try await server.credential(
            id, "oauth2", #"{"name": "billing batch", "client_secret": "hashed-secret-text-2", "hash_secret": true}"#)
        try await server.credential(id, "jwt", #"{"key": "https://issuer.example/", "secret": "jwt-secret-text-3"}"#)
        try await server.credential(id, "acls", #"{"group": "gold"}"#)
        try await server.credential(id, "basic-auth", #"{"username": "billing-user", "password": "basic-password-text-4"}"#)
        let texts = [
            try #require(expiring["key"] as? String), try #require(forever["key"] as? String), "plain-secret-text-1",
            "hashed-secret-text-2", try #require(hashed["client_secret"] as? String), "jwt-secret-text-3",
            "basic-password-text-4",
        ]
        return Holder(server: server, consumerId: id, texts: texts, plainClientId: "billing-oauth",
                      hashedClientId: try #require(hashed["client_id"] as? String),
                      expiringKeyId: try #require(expiring["id"] as? String),
                      expiringMade: beforeExpiring...afterExpiring)
    }

    @Test func aConsumersAppCarriesItsCredentialsMetadataContractsAndNoSecretText() async throws {
        let h = try await Self.holder()
        try await h.server.acl(on: "api-00001", "allow", ["gold", "silver"])
        try await h.server.acl(on: "api-00002", "allow", ["silver"])
        try await h.server.acl(on: "api-00003", "deny", ["gold"])
        _ = try await h.server.consumer(nil, customId: "only-custom-id")
        let apps = try await h.server.adapter().clientApps()

        let app = try #require(apps.first { $0.remoteId == h.consumerId })
        #expect(app.name == "billing")
        #expect(app.clientIds.first == "billing-client")
        #expect(Set(app.clientIds.dropFirst()) == [h.plainClientId, h.hashedClientId])
        #expect(app.environments == ["prod"])
        #expect(app.showsSecretCopy)
        #expect(app.contracts == [GatewayAppContract(apiRemoteId: try await h.server.serviceId("api-00001"))])
        let labels = Set(app.credentials.map(\.label))
        #expect(labels.isSuperset(of: [
            "oauth2 client_id billing-oauth", "oauth2 client_id \(h.hashedClientId)", "jwt key https://issuer.example/",
            "acl group gold", "basic-auth username billing-user", "key-auth",
        ]))
        #expect(app.credentials.count == 7)
        #expect(app.credentials.allSatisfy { $0.createdAt != nil })
        let expiring = try #require(app.credentials.first { $0.remoteId == h.expiringKeyId })
        let expiresAt = try #require(expiring.expiresAt)
        // Kong answers the seconds left, so the end is known to within a second or two, whenever it is read.
        let window = (h.expiringMade.lowerBound + 3600 - 2)...(h.expiringMade.upperBound + 3600 + 2)
        #expect(window.contains(expiresAt), "\(expiresAt) outside \(window)")
        #expect(app.credentials.filter { $0.expiresAt != nil }.count == 1)

        let named = try #require(apps.first { $0.clientIds == ["only-custom-id"] })
        #expect(named.name == "only-custom-id" && named.environments == nil && !named.showsSecretCopy)

        let json = String(decoding: try JSONEncoder().encode(apps), as: UTF8.self)
        for text in h.texts { #expect(!json.contains(text), "secret text reached the apps' JSON") }
        #expect(!json.contains("pbkdf2"))
    }

    @Test func aConsumerWithOnlyAHashedOAuth2SecretShowsNoCopy() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("hashed-only")
        try await server.credential(id, "oauth2", #"{"name": "h", "client_secret": "only-hashed-5", "hash_secret": true}"#)
        let app = try #require(try await server.adapter().clientApps().first { $0.remoteId == id })
        #expect(!app.showsSecretCopy)
    }

    @Test func theSecretCopyIsTheClearClientSecretReadFreshAndNilWhereHashedOrAbsent() async throws {
        let h = try await Self.holder()
        let adapter = h.server.adapter()
        let app = try #require(try await adapter.clientApps().first { $0.remoteId == h.consumerId })
        let copy = try #require(try await adapter.secretCopy(of: app, clientId: h.plainClientId))
        #expect(copy.reveal() == "plain-secret-text-1")
        #expect(try await adapter.secretCopy(of: app, clientId: h.hashedClientId) == nil)
        #expect(try await adapter.secretCopy(of: app, clientId: "billing-client") == nil)
        // Changed behind Clientele's back: the copy is read again, not taken from the app.
        let (status, _) = try await h.server.admin(
            "PATCH", "/oauth2/billing-oauth", #"{"client_secret": "reset-secret-text-6", "hash_secret": false}"#)
        #expect(status == 200)
        #expect(try await adapter.secretCopy(of: app, clientId: h.plainClientId)?.reveal() == "reset-secret-text-6")
    }
}
