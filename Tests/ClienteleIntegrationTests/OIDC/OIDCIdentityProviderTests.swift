import ClienteleCore
import Foundation
import Testing

/// The adapter against a real glewlwyd (scripts/oidc-test-server), one server for the whole suite; every test
/// registers its own clients in its own credentials store. Serialized: glewlwyd on SQLite answers 500 to
/// registrations that arrive at the same moment.
@Suite("OIDC adapter against glewlwyd", .glewlwyd(), .serialized)
struct OIDCIdentityProviderTests {
    @Test("discovery: admin access is the registration endpoint; no admin credential expires")
    func adminAccess() async throws {
        let fixture = try OIDCFixture.onServer()
        let status = try await fixture.adapter.checkAdminAccess()
        #expect(status.canAct)
        #expect(status.credentialExpiresAt == nil)
        let registration = try #require(OIDCTestServer.current?["registration_endpoint"])
        #expect(status.detail.contains(registration))
    }

    @Test("a discovery document naming another issuer is refused, naming both")
    func issuerMismatch() async throws {
        let real = try OIDCTestServer.issuer()
        // The same server under another name: glewlwyd's document still says 127.0.0.1.
        let configured = real.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let fixture = try OIDCFixture(issuer: configured, idpName: "renamed-idp")
        let text = await oidcErrorLine { try await fixture.adapter.checkAdminAccess() }
        #expect(text.contains("renamed-idp"))
        #expect(text.contains("names issuer \(real)") && text.contains("configured issuer \(configured)"))
        let register = await oidcErrorLine { try await fixture.adapter.register(displayName: "never", secretLifetime: nil) }
        #expect(register.contains("names issuer \(real)"), "nothing is registered at a mismatched issuer")
    }

    @Test("an issuer with no discovery document: both well-known locations are tried, then one line")
    func noDiscoveryDocument() async throws {
        let issuer = try OIDCTestServer.issuer().replacingOccurrences(of: "/api/oidc", with: "/api/nothing-here")
        let fixture = try OIDCFixture(issuer: issuer, idpName: "misconfigured-idp")
        let text = await oidcErrorLine { try await fixture.adapter.checkAdminAccess() }
        #expect(text.contains("misconfigured-idp") && text.contains("no discovery document for issuer \(issuer)"))
        #expect(text.contains("/.well-known/openid-configuration") && text.contains("/.well-known/oauth-authorization-server"))
    }

    @Test("register: the secret works at the token endpoint, a wrong one is rejected, the token is stored")
    func registerThenVerify() async throws {
        let fixture = try OIDCFixture.onServer()
        let (client, secret) = try await fixture.adapter.register(displayName: "billing-api", secretLifetime: nil)
        #expect(client.displayName == "billing-api")
        #expect(client.secrets.map(\.keyId) == [secret.metadata.keyId])
        #expect(secret.metadata.keyId.count == 16)
        #expect(secret.metadata.hint == String(secret.text.reveal().prefix(3)))
        #expect(secret.metadata.expiresAt == nil, "client_secret_expires_at 0 means never")
        #expect(secret.replacedKeyIds.isEmpty)
        let reference = RemoteClientReference(clientId: client.clientId)
        #expect(try await fixture.adapter.verify(secret.text, for: reference) == .accepted)
        let wrong = try await fixture.adapter.verify(SecretText("not-the-secret"), for: reference)
        guard case .rejected(let why) = wrong else {
            Issue.record("a wrong secret must be rejected, got \(wrong)")
            return
        }
        #expect(why.contains("403") && why.contains(client.clientId))
        let stored = try #require(try fixture.store.credential(idp: fixture.idpName, clientId: client.clientId))
        #expect(stored.registrationClientURI.hasSuffix("/register/\(client.clientId)"))
        #expect(try fixture.store.clientIds(idp: fixture.idpName) == [client.clientId])
    }

    @Test("client() reads the client back with the same key id; discoverClients lists what the store holds")
    func readBack() async throws {
        let fixture = try OIDCFixture.onServer()
        let (first, firstSecret) = try await fixture.adapter.register(displayName: "alpha", secretLifetime: nil)
        let (second, _) = try await fixture.adapter.register(displayName: "beta", secretLifetime: nil)
        let read = try #require(try await fixture.adapter.client(RemoteClientReference(clientId: first.clientId)))
        #expect(read.displayName == "alpha")
        #expect(read.secrets.map(\.keyId) == [firstSecret.metadata.keyId])
        #expect(read.secrets.first?.createdAt == firstSecret.metadata.createdAt, "remembered, not re-dated")
        var registered = [first.clientId, second.clientId]
        for index in 0..<10 {
            registered.append(try await fixture.adapter.register(displayName: "gamma-\(index)", secretLifetime: nil).0.clientId)
        }
        // Twelve clients read eight at a time: every one comes back, sorted by name.
        let all = try await fixture.adapter.discoverClients()
        #expect(all.map(\.clientId) == registered)
        #expect(all.allSatisfy { $0.secrets.count == 1 })
        #expect(try await fixture.adapter.client(RemoteClientReference(clientId: "never-registered")) == nil)
    }

    @Test("addSecret rotates: the new secret works, the old is rejected at once, replacedKeyIds names it")
    func rotate() async throws {
        let fixture = try OIDCFixture.onServer()
        let (client, old) = try await fixture.adapter.register(displayName: "rotating", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        let new = try await fixture.adapter.addSecret(to: reference, displayName: "rotation 1", expiresAt: nil)
        #expect(new.metadata.keyId != old.metadata.keyId)
        #expect(new.replacedKeyIds == [old.metadata.keyId])
        #expect(new.metadata.displayName == "rotation 1")
        #expect(try await fixture.adapter.verify(new.text, for: reference) == .accepted)
        let oldResult = try await fixture.adapter.verify(old.text, for: reference)
        #expect(oldResult != .accepted && { if case .rejected = oldResult { true } else { false } }())

        // The client is still a confidential client-credentials client with its name, and can rotate again.
        let read = try #require(try await fixture.adapter.client(reference))
        #expect(read.displayName == "rotating")
        #expect(read.secrets.map(\.keyId) == [new.metadata.keyId])
        #expect(read.secrets.first?.displayName == "rotation 1")
        let again = try await fixture.adapter.addSecret(to: reference, displayName: "rotation 2", expiresAt: nil)
        #expect(again.replacedKeyIds == [new.metadata.keyId])
        #expect(try await fixture.adapter.verify(again.text, for: reference) == .accepted)

        // removeSecret: the retired key is already gone; the current one cannot go alone.
        try await fixture.adapter.removeSecret(old.metadata.keyId, from: reference)
        let text = await oidcErrorLine { try await fixture.adapter.removeSecret(again.metadata.keyId, from: reference) }
        #expect(text.contains("only secret") && text.contains(client.clientId) && text.contains(fixture.idpName))
    }

    @Test("adopt a client with its registration access token, then rotate it")
    func adopt() async throws {
        let owner = try OIDCFixture.onServer()
        let (client, secret) = try await owner.adapter.register(displayName: "legacy", secretLifetime: nil)
        let credential = try #require(try owner.store.credential(idp: owner.idpName, clientId: client.clientId))

        let adopter = try OIDCFixture.onServer()
        let adopted = try await adopter.adapter.adopt(
            clientId: client.clientId, registrationClientURI: credential.registrationClientURI,
            registrationAccessToken: credential.registrationAccessToken)
        #expect(adopted.displayName == "legacy")
        #expect(adopted.secrets.map(\.keyId) == [secret.metadata.keyId], "same secret, same derived key id")
        #expect(try adopter.store.clientIds(idp: adopter.idpName) == [client.clientId])

        let reference = RemoteClientReference(clientId: client.clientId)
        let again = try await adopter.adapter.adopt(
            clientId: client.clientId, registrationClientURI: credential.registrationClientURI,
            registrationAccessToken: credential.registrationAccessToken)
        #expect(again.secrets == adopted.secrets, "adopting again keeps what was known")
        let rotated = try await adopter.adapter.addSecret(to: reference, displayName: "after adoption", expiresAt: nil)
        #expect(rotated.replacedKeyIds == [secret.metadata.keyId])
        #expect(try await adopter.adapter.verify(rotated.text, for: reference) == .accepted)
    }

    @Test("a wrong registration access token is one line naming client and IdP, without the token")
    func wrongRegistrationToken() async throws {
        let fixture = try OIDCFixture.onServer()
        let (client, secret) = try await fixture.adapter.register(displayName: "guarded", secretLifetime: nil)
        let real = try #require(try fixture.store.credential(idp: fixture.idpName, clientId: client.clientId))
        let fake = "wrong-token-\(UUID().uuidString)"

        let adopter = try OIDCFixture.onServer()
        let adoptText = await oidcErrorLine {
            try await adopter.adapter.adopt(clientId: client.clientId, registrationClientURI: real.registrationClientURI,
                                            registrationAccessToken: SecretText(fake))
        }
        #expect(adoptText.contains("registration access token") && adoptText.contains("401"))
        #expect(adoptText.contains(client.clientId) && adoptText.contains(adopter.idpName))
        #expect(adoptText.contains("client-request-id"))
        #expect(!adoptText.contains(fake))
        #expect(try adopter.store.clientIds(idp: adopter.idpName).isEmpty, "a token that does not work is not kept")

        // The same through a stored token that went bad: reading and rotating both say so.
        var broken = real
        broken.registrationAccessToken = SecretText(fake)
        try fixture.store.save(broken)
        let reference = RemoteClientReference(clientId: client.clientId)
        let readText = await oidcErrorLine { try await fixture.adapter.client(reference) }
        #expect(readText.contains("revoked or is wrong") && readText.contains(client.clientId))
        #expect(readText.contains(fixture.idpName) && !readText.contains(fake))
        let rotateText = await oidcErrorLine {
            try await fixture.adapter.addSecret(to: reference, displayName: "never", expiresAt: nil)
        }
        #expect(rotateText.contains("revoked or is wrong") && !rotateText.contains(fake))
        let untouched = try await fixture.adapter.verify(secret.text, for: reference)
        #expect(untouched == .accepted, "the secret is untouched")
    }

    @Test("an adoption URI off the issuer's origin, or naming another client, is refused before the token is sent")
    func adoptOffOrigin() async throws {
        let fixture = try OIDCFixture.onServer()
        let text = await oidcErrorLine {
            try await fixture.adapter.adopt(clientId: "x", registrationClientURI: "https://elsewhere.example.test/register/x",
                                            registrationAccessToken: SecretText("t"))
        }
        #expect(text.contains("not on the issuer's origin"))
        let issuer = try OIDCTestServer.issuer()
        let otherClient = await oidcErrorLine {
            try await fixture.adapter.adopt(clientId: "x", registrationClientURI: "\(issuer)/register/someone-else",
                                            registrationAccessToken: SecretText("t"))
        }
        #expect(otherClient.contains("does not name this client"))
    }

    @Test("delete: the client is gone (client() nil), its secret rejected, its token forgotten; again is a no-op")
    func delete() async throws {
        let fixture = try OIDCFixture.onServer()
        let (client, secret) = try await fixture.adapter.register(displayName: "doomed", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        try await fixture.adapter.deleteClient(reference)
        #expect(try await fixture.adapter.client(reference) == nil)
        #expect(try fixture.store.credential(idp: fixture.idpName, clientId: client.clientId) == nil)
        let result = try await fixture.adapter.verify(secret.text, for: reference)
        #expect({ if case .rejected = result { true } else { false } }(), "got \(result)")
        try await fixture.adapter.deleteClient(reference)
    }

    @Test("a client deleted at the IdP behind Clientele's back drops out of discoverClients (drift)")
    func deletedElsewhere() async throws {
        let fixture = try OIDCFixture.onServer()
        let (kept, _) = try await fixture.adapter.register(displayName: "kept", secretLifetime: nil)
        let (gone, _) = try await fixture.adapter.register(displayName: "gone", secretLifetime: nil)
        let credential = try #require(try fixture.store.credential(idp: fixture.idpName, clientId: gone.clientId))
        let response = try await PeerHTTPClient(peer: .identityProvider("test")).send(
            PeerRequest(method: .DELETE, url: credential.registrationClientURI,
                                    headers: ["Authorization": "Bearer \(credential.registrationAccessToken.reveal())"],
                                    purpose: "deleting behind Clientele's back"))
        #expect(response.status == 200)
        let survey = try await fixture.adapter.discoverClients()
        #expect(survey.map(\.clientId) == [kept.clientId])
    }
}
