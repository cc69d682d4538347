import ClienteleCore
import Foundation
import Testing

/// Clientele's own sign-in at Entra: secret and certificate, the token cache, a revoked token, and the admin
/// secret's failure modes. Serialized: some tests change the admin secret's state on the shared server.
@Suite(.serialized, .graphServer("--applications", "3"))
struct EntraTokenTests {
    @Test func signsInWithTheSecretAndReportsItsSoonestExpiry() async throws {
        let server = try currentServer()
        try await server.setAdminSecret("valid")
        let status = try await server.adapter().checkAdminAccess()
        #expect(status.canAct, "\(status.detail)")
        // The seeded admin secret ends 180 days from now (server README, Seeding).
        let expiry = try #require(status.credentialExpiresAt)
        #expect(abs(expiry.timeIntervalSinceNow - 180 * 86_400) < 2 * 86_400, "\(expiry)")
        #expect(status.detail.contains(server.clientId))
    }

    @Test func signsInWithTheCertificateAndReportsItsNotAfter() async throws {
        let server = try currentServer()
        try await server.resetStats()
        let adapter = server.adapter(certificate: true)
        let clients = try await adapter.discoverClients()
        // Three seeded apps plus the admin app, which owns itself.
        #expect(clients.count == 4)
        #expect(try await server.requests(GraphTestServer.tokenRoute) == 1)
        let status = try await adapter.checkAdminAccess()
        #expect(status.canAct, "\(status.detail)")
        // The server's self-signed certificate is valid for 365 days from its start.
        let notAfter = try #require(status.credentialExpiresAt)
        #expect(abs(notAfter.timeIntervalSinceNow - 365 * 86_400) < 2 * 86_400, "\(notAfter)")
        #expect(status.detail.contains("certificate"))
    }

    @Test func cachesTheTokenAcrossCalls() async throws {
        let server = try currentServer()
        try await server.setAdminSecret("valid")
        try await server.resetStats()
        let adapter = server.adapter()
        // Concurrent first calls share one token request, and later calls reuse it.
        async let first = adapter.discoverClients()
        async let second = adapter.discoverClients()
        let (a, b) = try await (first, second)
        #expect(a.count == 4 && b.count == 4)
        _ = try await adapter.discoverClients()
        let admin = try await adapter.client(RemoteClientReference(clientId: server.clientId))
        #expect(admin?.displayName == "clientele-admin")
        #expect(try await server.requests(GraphTestServer.tokenRoute) == 1)
        #expect(try await server.requests(GraphTestServer.listRoute) == 3)
    }

    @Test func aRevokedTokenIsReplacedOnceAndTheCallSucceeds() async throws {
        let server = try currentServer()
        try await server.setAdminSecret("valid")
        let adapter = server.adapter()
        _ = try await adapter.discoverClients()
        try await server.resetStats()
        try await server.post("/revoke-tokens")
        let clients = try await adapter.discoverClients()
        #expect(clients.count == 4)
        // One 401, one fresh token, one successful retry.
        #expect(try await server.requests(GraphTestServer.tokenRoute) == 1)
        #expect(try await server.requests(GraphTestServer.listRoute) == 2)
    }

    @Test func anExpiredAdminSecretSaysToRotateClienteleOwnCredential() async throws {
        let server = try currentServer()
        try await server.setAdminSecret("expired")
        let adapter = server.adapter()
        let line = await errorLine { _ = try await adapter.discoverClients() }
        try await server.setAdminSecret("valid")
        #expect(line.hasPrefix("IdP entra-test:"), "\(line)")
        #expect(line.contains("AADSTS7000222") && line.contains("expired") && line.contains("rotate"), "\(line)")
        #expect(line.contains(server.clientId) && line.contains("client-request-id"), "\(line)")
        #expect(!line.contains(server.adminSecret))
    }

    @Test func aWrongAdminSecretSaysSo() async throws {
        let server = try currentServer()
        try await server.setAdminSecret("rotated")
        let adapter = server.adapter()
        let line = await errorLine { _ = try await adapter.client(RemoteClientReference(clientId: server.clientId)) }
        let status = try await adapter.checkAdminAccess()
        try await server.setAdminSecret("valid")
        #expect(line.contains("AADSTS7000215") && line.contains("admin secret is wrong"), "\(line)")
        #expect(line.contains("client-request-id"), "\(line)")
        #expect(!line.contains(server.adminSecret))
        #expect(!status.canAct)
        #expect(status.detail.contains("AADSTS7000215"))
    }
}
