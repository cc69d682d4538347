import ClienteleCore
import Foundation
import Testing

/// The adapter against a second, standards-strict provider (scripts/strict-oidc-test-server, built on Authlib's
/// RFC 7591/7592 endpoints and OIDC registration claims), one suite per mode.
@Suite("OIDC adapter against a strict provider", .strictOIDC(), .serialized)
struct StrictOIDCProviderTests {
    @Test("registration without redirect URIs is accepted and the secret works")
    func registersWithoutRedirectURIs() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict")
        let (client, secret) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        #expect(secret.metadata.expiresAt == nil, "client_secret_expires_at 0 means never")
        #expect(try await fixture.adapter.verify(secret.text, for: RemoteClientReference(clientId: client.clientId))
            == .accepted)
    }

    @Test("the probe finds register, read, update and delete, and leaves no client behind")
    func probeFindsEverything() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict")
        let support = try #require(try await fixture.adapter.probeClientManagement())
        #expect(support.operations.map { $0.finding.supported } == [true, true, true, true])
        try await fixture.adapter.ensureCanIssueSecrets(for: RemoteClientReference(clientId: "any"))
    }

    @Test("a rotation through an update: the new secret works, the old one no longer")
    func rotates() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict")
        let (client, first) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        let second = try await fixture.adapter.addSecret(to: reference, displayName: "rotated", expiresAt: nil)
        #expect(second.replacedKeyIds == [first.metadata.keyId])
        #expect(try await fixture.adapter.verify(second.text, for: reference) == .accepted)
        #expect(try await fixture.adapter.verify(first.text, for: reference) != .accepted)
    }
}

@Suite("OIDC adapter against a strict provider that demands redirect URIs", .strictOIDC("--redirect-uris", "required"))
struct StrictOIDCRedirectURITests {
    @Test("registration asks again as a native client with the loopback URI, and the secret works")
    func registersAsNative() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict-redirects")
        let (client, secret) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        #expect(try await fixture.adapter.verify(secret.text, for: RemoteClientReference(clientId: client.clientId))
            == .accepted)
    }
}

@Suite("OIDC adapter against a strict provider that cannot update clients and sets secret expiry",
       .strictOIDC("--update", "405", "--secret-lifetime", "864000"), .serialized)
struct StrictOIDCReadOnlyTests {
    @Test("the secret's client_secret_expires_at is recorded at registration")
    func expiryAtRegistration() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict-read-only")
        let before = Date()
        let (client, secret) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        let expiresAt = try #require(secret.metadata.expiresAt)
        #expect(abs(expiresAt.timeIntervalSince(before) - 864000) < 60)
        let read = try #require(try await fixture.adapter.client(RemoteClientReference(clientId: client.clientId)))
        #expect(read.secrets.map(\.expiresAt) == [expiresAt])
    }

    @Test("the probe finds that update is unsupported, and rotation is refused up front")
    func refusesUpFront() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict-read-only")
        let support = try #require(try await fixture.adapter.probeClientManagement())
        #expect(support.update.supported == false && support.update.detail.contains("405"))
        #expect(support.register.supported == true && support.read.supported == true && support.delete.supported == true)
        let text = await oidcErrorLine {
            try await fixture.adapter.ensureCanIssueSecrets(for: RemoteClientReference(clientId: "orders"))
        }
        #expect(text.contains("this provider cannot update clients (RFC 7592): rotate the secret in its own console, then `clientele sync`"))
    }

    @Test("without idp check, addSecret probes a throwaway client first and refuses; the secret keeps working")
    func refusedUpdate() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict-read-only")
        let (client, first) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        let text = await oidcErrorLine {
            try await fixture.adapter.addSecret(to: reference, displayName: "rotated", expiresAt: nil)
        }
        #expect(text.contains("cannot update clients (RFC 7592)") && text.contains("HTTP 405"))
        #expect(try await fixture.adapter.verify(first.text, for: reference) == .accepted)
    }

    @Test("an update answered 405 despite a recorded 'supported' is refused the same way, and remembered")
    func refusedDespiteRecord() async throws {
        let supported = ClientManagementSupport.Finding(supported: true, detail: "HTTP 200")
        let fixture = try OIDCFixture(
            issuer: try OIDCTestServer.issuer(), idpName: "strict-stale-check",
            clientManagement: ClientManagementSupport(register: supported, read: supported, update: supported,
                                                      delete: supported, checkedAt: Date()))
        let (client, first) = try await fixture.adapter.register(displayName: "orders-api", secretLifetime: nil)
        let reference = RemoteClientReference(clientId: client.clientId)
        let text = await oidcErrorLine {
            try await fixture.adapter.addSecret(to: reference, displayName: "rotated", expiresAt: nil)
        }
        #expect(text.contains("cannot update clients (RFC 7592)") && text.contains("HTTP 405"))
        #expect(text.contains("its current secret is unchanged"))
        #expect(try await fixture.adapter.verify(first.text, for: reference) == .accepted)
        let again = await oidcErrorLine { try await fixture.adapter.ensureCanIssueSecrets(for: reference) }
        #expect(again.contains("cannot update clients (RFC 7592)"))
    }
}
