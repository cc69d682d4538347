import ClienteleCore
import Foundation
import Testing

/// Kong as the holder of consumers' key-auth keys and OAuth2 credentials, behind the IdP adapter shape.
@Suite struct KongCredentialHolderTests {
    static func keySet(_ consumerId: String) -> RemoteClientReference {
        RemoteClientReference(clientId: "\(consumerId)/key-auth", objectId: consumerId)
    }

    static func oauth2Set(_ consumerId: String) -> RemoteClientReference {
        RemoteClientReference(clientId: "\(consumerId)/oauth2", objectId: consumerId)
    }

    @Test func discoveryReportsOneSetPerConsumerAndKindWithCredentialIdsAndNoHints() async throws {
        let server = try KongTestServer()
        let billing = try await server.consumer("billing")
        let first = try await server.credential(billing, "key-auth")
        let second = try await server.credential(billing, "key-auth", #"{"ttl": 600}"#)
        let oauth = try await server.credential(billing, "oauth2", #"{"name": "billing web"}"#)
        let groupsOnly = try await server.consumer("groups-only")
        try await server.credential(groupsOnly, "acls", #"{"group": "gold"}"#)

        let clients = try await server.adapter().credentialHolder().discoverClients()
        #expect(clients.map(\.clientId) == ["\(billing)/key-auth", "\(billing)/oauth2"])
        let keys = clients[0]
        #expect(keys.objectId == billing && keys.displayName == "billing key-auth")
        #expect(Set(keys.secrets.map(\.keyId)) == [try #require(first["id"] as? String), try #require(second["id"] as? String)])
        #expect(keys.secrets.allSatisfy { $0.hint.isEmpty })
        #expect(keys.secrets.filter { $0.expiresAt != nil }.map(\.keyId) == [second["id"] as? String])
        let oauth2 = clients[1]
        #expect(oauth2.displayName == "billing oauth2")
        #expect(oauth2.secrets.map(\.keyId) == [oauth["id"] as? String])
        #expect(oauth2.secrets.map(\.displayName) == ["oauth2 client_id \(try #require(oauth["client_id"] as? String))"])
    }

    @Test func verifyReadsTheCredentialsBackAndRejectsAWrongSecret() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("verify-me")
        try await server.credential(id, "key-auth", #"{"key": "known-key-text-1"}"#)
        try await server.credential(id, "oauth2", #"{"name": "p", "client_secret": "clear-secret-2"}"#)
        try await server.credential(id, "oauth2", #"{"name": "h", "client_secret": "hashed-secret-3", "hash_secret": true}"#)
        let holder = server.adapter().credentialHolder()
        #expect(try await holder.verify(SecretText("known-key-text-1"), for: Self.keySet(id)) == .accepted)
        #expect(try await holder.verify(SecretText("clear-secret-2"), for: Self.oauth2Set(id)) == .accepted)
        // Kong shows only the PBKDF2 hash of this one; it is checked as Kong checks it.
        #expect(try await holder.verify(SecretText("hashed-secret-3"), for: Self.oauth2Set(id)) == .accepted)
        guard case .rejected(let reason) = try await holder.verify(SecretText("wrong-text"), for: Self.keySet(id)) else {
            Issue.record("a wrong key was not rejected"); return
        }
        #expect(reason.contains("gateway kong-test") && reason.contains(id) && !reason.contains("wrong-text"))
        guard case .rejected = try await holder.verify(SecretText("hashed-secret-4"), for: Self.oauth2Set(id)) else {
            Issue.record("a wrong OAuth2 secret was not rejected"); return
        }
        // A decK 1.4.0 sync puts a hashed credential back with hash_secret false: Kong then compares the hash as
        // text, so the secret no longer works there, and verification says so.
        let hashed = try #require(try await server.credentials(id, "oauth2").first { $0["name"] as? String == "h" })
        let (status, _) = try await server.admin(
            "PUT", "/consumers/\(id)/oauth2/\(try #require(hashed["id"] as? String))",
            #"{"name": "h", "client_id": "\#(try #require(hashed["client_id"] as? String))", "client_secret": "\#(try #require(hashed["client_secret"] as? String))"}"#)
        #expect(status == 200)
        guard case .rejected = try await holder.verify(SecretText("hashed-secret-3"), for: Self.oauth2Set(id)) else {
            Issue.record("a secret Kong now compares with its hash as text was accepted"); return
        }
        // A key of the consumer's is no OAuth2 secret.
        guard case .rejected = try await holder.verify(SecretText("known-key-text-1"), for: Self.oauth2Set(id)) else {
            Issue.record("sets were mixed"); return
        }
        try await server.fault(#"{"status": 500}"#)
        guard case .couldNotVerify(let why) = try await holder.verify(SecretText("known-key-text-1"), for: Self.keySet(id)) else {
            Issue.record("a failing gateway was taken as an answer"); return
        }
        #expect(why.contains("HTTP 500"))
    }

    @Test func aKeyWithATTLIsReportedWithItsExpiryAndRejectedOnceItRunsOut() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("short-lived")
        let holder = server.adapter().credentialHolder()
        let end = Date() + 120
        let made = try await holder.addSecret(to: Self.keySet(id), displayName: "clientele rotation #9", expiresAt: end)
        #expect(made.metadata.hint.isEmpty && made.metadata.displayName == "clientele rotation #9")
        #expect(abs(try #require(made.metadata.expiresAt).timeIntervalSince(end)) < 2)
        let stored = try #require(try await server.credentials(id, "key-auth").first)
        // The ttl counts from when Kong took the key, so it is at most the 120 seconds asked for, and what is left
        // of them now.
        let left = end.timeIntervalSinceNow
        #expect((stored["ttl"] as? Int).map { Double($0) <= 120 && Double($0) >= left - 2 } == true,
                "ttl \(stored["ttl"] ?? "none"), \(left) s left")
        #expect(stored["tags"] as? [String] == ["managed-by-clientele", "clientele.name=clientele%20rotation%20#9"])
        // Read back later, the end is the read time plus the seconds left: off by no more than the requests'
        // latency (generous here, for a loaded machine).
        let read = try #require(try await holder.client(Self.keySet(id)))
        #expect(read.secrets.map(\.displayName) == ["clientele rotation #9"])
        #expect(abs(try #require(read.secrets.first?.expiresAt).timeIntervalSince(end)) < 5)
        let app = try #require(try await server.adapter().clientApps().first { $0.remoteId == id })
        #expect(abs(try #require(app.credentials.first?.expiresAt).timeIntervalSince(end)) < 5)
        #expect(try await holder.verify(made.text, for: Self.keySet(id)) == .accepted)

        try await server.advanceClock(seconds: 121)
        guard case .rejected = try await holder.verify(made.text, for: Self.keySet(id)) else {
            Issue.record("an expired key was accepted"); return
        }
        #expect(try await holder.client(Self.keySet(id))?.secrets.isEmpty == true)
    }

    @Test func aNewKeyAfterItsEndOrBeyondKongsLongestTTLIsRefusedBeforeAnythingIsMade() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("bounded")
        let holder = server.adapter().credentialHolder()
        for end in [Date() - 10, Date() + 100_000_100] {
            await #expect(throws: ClienteleError.self) {
                _ = try await holder.addSecret(to: Self.keySet(id), displayName: "x", expiresAt: end)
            }
        }
        #expect(try await server.credentials(id, "key-auth").isEmpty)
    }

    @Test func aNewOAuth2CredentialIsHashedCopiesRedirectURIsAndNamesItsClientId() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("oauth-rotated")
        try await server.credential(
            id, "oauth2", #"{"name": "web", "client_secret": "old-secret-7", "redirect_uris": ["https://app.example/cb"], "client_type": "confidential"}"#)
        let holder = server.adapter().credentialHolder()
        let made = try await holder.addSecret(to: Self.oauth2Set(id), displayName: "clientele rotation #3", expiresAt: Date() + 86_400)
        let stored = try #require(try await server.credentials(id, "oauth2").first { $0["id"] as? String == made.metadata.keyId })
        let clientId = try #require(stored["client_id"] as? String)
        #expect(made.metadata.displayName == "clientele rotation #3, oauth2 client_id \(clientId)")
        #expect(made.metadata.expiresAt == nil, "Kong keeps no end for an OAuth2 credential")
        #expect(stored["hash_secret"] as? Bool == true)
        #expect((stored["client_secret"] as? String)?.hasPrefix("$pbkdf2-sha512$") == true)
        #expect(stored["client_secret"] as? String != made.text.reveal())
        #expect(stored["redirect_uris"] as? [String] == ["https://app.example/cb"])
        #expect(stored["name"] as? String == "clientele rotation #3")
        #expect(try await holder.verify(made.text, for: Self.oauth2Set(id)) == .accepted)
        // The rotation's name comes back, so an interrupted rotation finds what it made.
        let read = try #require(try await holder.client(Self.oauth2Set(id)))
        #expect(read.secrets.map(\.displayName).contains("clientele rotation #3"))
    }

    @Test func removingAGoneCredentialSucceedsAndNothingButIdsIsAccepted() async throws {
        let server = try KongTestServer()
        let id = try await server.consumer("remover")
        let key = try await server.credential(id, "key-auth")
        let keyId = try #require(key["id"] as? String)
        let holder = server.adapter().credentialHolder()
        try await holder.removeSecret(keyId, from: Self.keySet(id))
        #expect(try await server.credentials(id, "key-auth").isEmpty)
        try await holder.removeSecret(keyId, from: Self.keySet(id))
        try await holder.removeSecret(UUID().uuidString.lowercased(), from: Self.keySet(UUID().uuidString.lowercased()))
        await #expect(throws: ClienteleError.self) {
            try await holder.removeSecret(try #require(key["key"] as? String), from: Self.keySet(id))
        }
        await #expect(throws: ClienteleError.self) {
            _ = try await holder.client(RemoteClientReference(clientId: "\(id)/jwt"))
        }
    }

    @Test func appsAreNeitherRegisteredNorDeletedByClientele() async throws {
        let server = try KongTestServer()
        let holder = server.adapter().credentialHolder()
        do {
            _ = try await holder.register(displayName: "new", secretLifetime: nil)
            Issue.record("register was not refused")
        } catch let error as ClienteleError {
            guard case .invalidInput(let line) = error else { Issue.record("\(error)"); return }
            #expect(line.hasPrefix("gateway kong-test: ") && line.contains("made at the gateway"))
        }
        await #expect(throws: ClienteleError.self) {
            try await holder.deleteClient(Self.keySet(UUID().uuidString.lowercased()))
        }
        let access = try await holder.checkAdminAccess()
        #expect(access.canAct && access.credentialExpiresAt == nil)
        #expect(holder.capabilities.allowsOverlap && holder.capabilities.choosesExpiry)
    }
}
