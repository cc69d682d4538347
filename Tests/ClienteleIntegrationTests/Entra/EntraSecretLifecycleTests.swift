import ClienteleCore
import Foundation
import Testing

/// Register, read, add, verify, remove and delete against the server, and the 403/404 lines.
@Suite(.graphServer("--applications", "2", "--unowned-applications", "2"))
struct EntraSecretLifecycleTests {
    @Test func aClientLivesAndDiesThroughTheAdapter() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let (client, first) = try await adapter.register(displayName: "lifecycle-app", secretLifetime: 30 * 86_400)
        #expect(client.displayName == "lifecycle-app")
        #expect(client.objectId != nil)
        #expect(first.metadata.hint == first.text.hint)
        let firstExpiry = try #require(first.metadata.expiresAt)
        #expect(abs(firstExpiry.timeIntervalSinceNow - 30 * 86_400) < 120)
        #expect(try await adapter.verify(first.text, for: RemoteClientReference(clientId: client.clientId)) == .accepted)

        // Reading by app id alone finds the same application and its one secret.
        let reference = RemoteClientReference(clientId: client.clientId)
        let read = try #require(try await adapter.client(reference))
        #expect(read.objectId == client.objectId)
        #expect(read.secrets.map(\.keyId) == [first.metadata.keyId])

        // A second secret, asked for beyond the 24-month cap, is capped at 730 days.
        let second = try await adapter.addSecret(
            to: RemoteClientReference(clientId: client.clientId, objectId: client.objectId), displayName: "rotation",
            expiresAt: Date() + 1000 * 86_400)
        let secondExpiry = try #require(second.metadata.expiresAt)
        #expect(secondExpiry.timeIntervalSinceNow <= EntraIdentityProvider.maxLifetime + 5)
        #expect(secondExpiry.timeIntervalSinceNow > EntraIdentityProvider.maxLifetime - 120)
        #expect(second.metadata.displayName == "rotation")
        #expect(try await adapter.verify(second.text, for: reference) == .accepted)

        // Removing the first key: its secret is rejected, the second still works; removing it again is fine.
        try await adapter.removeSecret(first.metadata.keyId, from: reference)
        guard case .rejected(let why) = try await adapter.verify(first.text, for: reference) else {
            Issue.record("a removed secret was not rejected")
            return
        }
        #expect(why.contains("AADSTS7000215") && why.contains(client.clientId), "\(why)")
        #expect(!why.contains(first.text.reveal()))
        #expect(try await adapter.verify(second.text, for: reference) == .accepted)
        try await adapter.removeSecret(first.metadata.keyId, from: reference)
        #expect(try await adapter.client(reference)?.secrets.map(\.keyId) == [second.metadata.keyId])

        try await adapter.deleteClient(RemoteClientReference(clientId: client.clientId, objectId: client.objectId))
        #expect(try await adapter.client(reference) == nil)
        // Deleting what is already gone is what was asked for.
        try await adapter.deleteClient(RemoteClientReference(clientId: client.clientId, objectId: client.objectId))
    }

    @Test func removingAnUnknownKeyCountsAsRemoved() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let existing = try #require(try await adapter.discoverClients().first { $0.displayName == "app-00002" })
        let reference = RemoteClientReference(clientId: existing.clientId, objectId: existing.objectId)
        try await adapter.removeSecret(UUID().uuidString.lowercased(), from: reference)
        #expect(try await adapter.client(reference)?.secrets == existing.secrets)
    }

    @Test func aWrongSecretIsRejected() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let existing = try #require(try await adapter.discoverClients().first { $0.displayName == "app-00001" })
        let verdict = try await adapter.verify(SecretText("not-the-secret"), for: RemoteClientReference(clientId: existing.clientId))
        guard case .rejected(let why) = verdict else {
            Issue.record("expected rejected, got \(verdict)")
            return
        }
        #expect(why.contains("AADSTS7000215"))
    }

    @Test func anUnownedApplicationIsA403ThatNamesOwnedBy() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let unowned = try #require(try await server.unownedApplications().first)
        let reference = RemoteClientReference(clientId: unowned.appId, objectId: unowned.id)
        let line = await errorLine {
            _ = try await adapter.addSecret(to: reference, displayName: "nope", expiresAt: nil)
        }
        #expect(line.hasPrefix("IdP entra-test: adding a secret to client \(unowned.appId)"), "\(line)")
        #expect(line.contains("Application.ReadWrite.OwnedBy") && line.contains("lacks permission"), "\(line)")
        #expect(line.contains("HTTP 403 Authorization_RequestDenied") && line.contains("client-request-id"), "\(line)")
        // Graph hides unowned apps from lists; a read by id is refused, not answered with nil.
        let readLine = await errorLine { _ = try await adapter.client(reference) }
        #expect(readLine.contains("OwnedBy"), "\(readLine)")
        #expect(try await adapter.discoverClients().contains { $0.clientId == unowned.appId } == false)
    }

    @Test func aMissingApplicationIsA404ThatNamesIt() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let ghost = RemoteClientReference(clientId: UUID().uuidString.lowercased(), objectId: UUID().uuidString.lowercased())
        let line = await errorLine { _ = try await adapter.addSecret(to: ghost, displayName: "x", expiresAt: nil) }
        #expect(line.contains("Graph has no application \(ghost.clientId)"), "\(line)")
        #expect(line.contains("HTTP 404 Request_ResourceNotFound") && line.contains("client-request-id"), "\(line)")
        #expect(try await adapter.client(ghost) == nil)
    }
}

/// A tenant whose app management policy caps secrets at 90 days: Graph's 400 becomes a line saying so.
@Suite(.graphServer("--applications", "1", "--max-secret-lifetime-days", "90"))
struct EntraLifetimePolicyTests {
    @Test func aPolicyCapIsExplained() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let app = try #require(try await adapter.discoverClients().first { $0.displayName == "app-00001" })
        let reference = RemoteClientReference(clientId: app.clientId, objectId: app.objectId)
        let line = await errorLine { _ = try await adapter.addSecret(to: reference, displayName: "long", expiresAt: nil) }
        #expect(line.contains("app management policy") && line.contains("CredentialInvalidLifetimeAsPerAppPolicy"), "\(line)")
        let short = try await adapter.addSecret(to: reference, displayName: "short", expiresAt: Date() + 60 * 86_400)
        #expect(try await adapter.verify(short.text, for: reference) == .accepted)
    }
}
