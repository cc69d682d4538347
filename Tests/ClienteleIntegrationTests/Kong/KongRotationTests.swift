import ClienteleCore
import Foundation
import Testing

/// Rotations of Kong-held secrets through the real `RotationService`, with the gateway reached as `clientele`
/// reaches it: the gateway's holder (the IdP row of kind `gateway` its registry record comes with), through
/// `StandardAdapters`.
@Suite struct KongRotationTests {
    struct OneGateway: GatewayAdapters {
        let adapter: KongGateway
        func adapter(for gateway: Gateway) throws -> any GatewayAdapter { adapter }
    }

    struct Fixture {
        let server: KongTestServer
        let folder: String
        let registry: Registry
        let service: RotationService
        let holder: any IdentityProviderAdapter
        let client: Client
        var reference: RemoteClientReference { RemoteClientReference(client) }
        var secretFile: String { folder + "/new.secret" }

        func rotate() async throws -> RotationOutcome {
            try await service.rotate(
                RotationRequest(client: client.displayName, grace: .days(1), delivery: .file(path: secretFile)),
                actor: "tests", deliverer: .unattended)
        }

        func delivered() throws -> SecretText {
            SecretText(try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        }

        /// Everything the registry wrote, WAL included.
        func registryBytes() throws -> String {
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("registry.sqlite") }
            return try files.map { String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)), as: UTF8.self) }
                .joined()
        }
    }

    /// A registry holding the gateway, its holder IdP, and the set `setClientId` as sync would record it.
    static func fixture(_ server: KongTestServer, set setClientId: String) async throws -> Fixture {
        let folder = NSTemporaryDirectory() + "clientele-kong-rotation-\(UUID().uuidString)"
        let registry = try Registry.open(at: folder + "/registry.sqlite", create: true)
        let gateway = try registry.addGateway(server.gateway(), actor: "tests")
        let idp = try registry.gatewayHolder(of: gateway)
        let adapters = StandardAdapters(registry: registry, gatewayAdapters: OneGateway(adapter: server.adapter()))
        let holder = try adapters.adapter(for: idp)
        let remote = try #require(try await holder.discoverClients().first { $0.clientId == setClientId })
        let client = try registry.recordClient(remote, identityProvider: idp, environments: [], origin: .discovered,
                                               actor: "tests")
        return Fixture(server: server, folder: folder, registry: registry,
                       service: RotationService(registry: registry, adapters: adapters), holder: holder, client: client)
    }

    @Test func twoKeysRotatedWithOverlapLeaveAWorkingKeyAtEveryPointAndOnlyTheNewOneAfterGrace() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("partner")
        try await server.credential(id, "key-auth", #"{"key": "first-old-key-1"}"#)
        try await server.credential(id, "key-auth", #"{"key": "second-old-key-2"}"#)
        let f = try await Self.fixture(server, set: "\(id)/key-auth")
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let old = [SecretText("first-old-key-1"), SecretText("second-old-key-2")]
        for key in old { #expect(try await f.holder.verify(key, for: f.reference) == .accepted) }

        let started = Date()
        let outcome = try await f.rotate()
        let rotated = Date()
        guard case .inGrace = outcome.status else { Issue.record("expected grace, got \(outcome.status)"); return }
        let new = try f.delivered()
        // In grace: the new key and both old ones work, read back from Kong.
        for key in old + [new] { #expect(try await f.holder.verify(key, for: f.reference) == .accepted) }
        let held = try await server.credentials(id, "key-auth")
        #expect(held.count == 3)
        let made = try #require(held.first { ($0["tags"] as? [String])?.contains("managed-by-clientele") == true })
        // The default lifetime (365 days) is the new key's ttl at Kong, and the registry's expiry.
        let year: TimeInterval = 365 * 86_400
        let elapsed = Date().timeIntervalSince(started) + 2
        #expect((made["ttl"] as? Int).map { Double($0) <= year + 1 && Double($0) >= year - elapsed } == true,
                "ttl \(made["ttl"] ?? "none")")
        let recorded = try #require(try f.registry.clientDetail(f.client.id!).secrets.first { $0.keyId == made["id"] as? String })
        let expiry = try #require(recorded.expiresAt)
        #expect(((started + year - 2)...(rotated + year + 2)).contains(expiry), "\(expiry)")

        let finished = await f.service.advanceAll(actor: "tests", endGraceNow: true)
        #expect(try finished.map { try $0.get().status } == [.completed])
        #expect(try await f.holder.verify(new, for: f.reference) == .accepted)
        for key in old {
            guard case .rejected = try await f.holder.verify(key, for: f.reference) else {
                Issue.record("an old key still works after grace"); return
            }
        }
        #expect(try await server.credentials(id, "key-auth").map { $0["id"] as? String } == [made["id"] as? String])
        let states = try f.registry.clientDetail(f.client.id!).secrets.map(\.state)
        #expect(states.sorted { $0.rawValue < $1.rawValue } == [.active, .removed, .removed])

        let bytes = try f.registryBytes()
        for key in old + [new] { #expect(!bytes.contains(key.reveal()), "a key's text reached the registry") }
    }

    @Test func anOAuth2CredentialIsRotatedToAHashedOneThatVerifies() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("web-app")
        try await server.credential(
            id, "oauth2", #"{"name": "web", "client_secret": "old-oauth-secret-3", "redirect_uris": ["https://web.example/cb"]}"#)
        let f = try await Self.fixture(server, set: "\(id)/oauth2")
        defer { try? FileManager.default.removeItem(atPath: f.folder) }

        let outcome = try await f.rotate()
        guard case .inGrace = outcome.status else { Issue.record("expected grace, got \(outcome.status)"); return }
        let new = try f.delivered()
        #expect(try await f.holder.verify(new, for: f.reference) == .accepted)
        #expect(try await f.holder.verify(SecretText("old-oauth-secret-3"), for: f.reference) == .accepted)
        let made = try #require(try await server.credentials(id, "oauth2").first { $0["name"] as? String != "web" })
        let clientId = try #require(made["client_id"] as? String)
        let recorded = try #require(try f.registry.clientDetail(f.client.id!).secrets.first { $0.keyId == made["id"] as? String })
        #expect(recorded.displayName.hasSuffix("oauth2 client_id \(clientId)"))
        #expect(recorded.hint.isEmpty)

        _ = await f.service.advanceAll(actor: "tests", endGraceNow: true)
        #expect(try await server.credentials(id, "oauth2").map { $0["id"] as? String } == [made["id"] as? String])
        guard case .rejected = try await f.holder.verify(SecretText("old-oauth-secret-3"), for: f.reference) else {
            Issue.record("the old OAuth2 secret still works after grace"); return
        }
        let bytes = try f.registryBytes()
        #expect(!bytes.contains(new.reveal()) && !bytes.contains("old-oauth-secret-3"))
    }
}
