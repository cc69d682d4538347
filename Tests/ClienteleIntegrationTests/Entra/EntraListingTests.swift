import ClienteleCore
import Foundation
import Testing

/// Discovery across `@odata.nextLink` pages of 999. Serialized: one test counts the server's requests.
@Suite(.serialized, .graphServer("--applications", "2500", "--seed", "7"))
struct EntraListingTests {
    @Test func listsEveryApplicationAcrossPages() async throws {
        let server = try currentServer()
        try await server.resetStats()
        let clients = try await server.adapter().discoverClients()
        // 2,500 seeded apps and the admin app; pages of 999, 999 and 503.
        #expect(clients.count == 2501)
        #expect(Set(clients.map(\.clientId)).count == 2501)
        #expect(try await server.requests(GraphTestServer.listRoute) == 3)
        // Odd-numbered apps hold one secret, even ones two (server README, Seeding).
        let app2 = try #require(clients.first { $0.displayName == "app-00002" })
        let app3 = try #require(clients.first { $0.displayName == "app-00003" })
        #expect(app2.secrets.count == 2 && app3.secrets.count == 1)
        #expect(clients.allSatisfy { $0.objectId != nil })
        let secrets = clients.flatMap(\.secrets)
        // 1,250 odd apps with one secret, 1,250 even ones with two, and the admin app's own.
        #expect(secrets.count == 3751)
        let wellFormed = secrets.filter { secret in
            guard let expiresAt = secret.expiresAt else { return false }
            return secret.hint.count == 3 && expiresAt > secret.createdAt
        }
        #expect(wellFormed.count == secrets.count)
    }

    @Test func readsOneApplicationByObjectIdOrByAppIdAlone() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let listed = try #require(try await adapter.discoverClients().first { $0.displayName == "app-01234" })
        let byObjectId = try #require(try await adapter.client(RemoteClientReference(clientId: listed.clientId, objectId: listed.objectId)))
        let byAppId = try #require(try await adapter.client(RemoteClientReference(clientId: listed.clientId)))
        #expect(byObjectId == listed)
        #expect(byAppId == listed)
    }
}

/// The 5,000-application tenant: discovery pages at 999, so six requests. How long it takes is measured by
/// `scripts/bench` (sync), beside a bare HTTP client; a timed test would measure the machine's other load.
@Suite(.graphServer("--applications", "5000", "--seed", "11"))
struct EntraLargeTenantTests {
    @Test func listsFiveThousandApplicationsInSixRequests() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        _ = try await adapter.client(RemoteClientReference(clientId: server.clientId))
        try await server.resetStats()
        let clients = try await adapter.discoverClients()
        #expect(clients.count == 5001)
        #expect(try await server.requests(GraphTestServer.listRoute) == 6)
    }
}
