import ClienteleCore
import Foundation
import Testing

/// glewlwyd started with `--require-initial-access-token`: registration needs a bearer token (RFC 7591 §3).
@Suite("OIDC registration with an initial access token", .glewlwyd("--require-initial-access-token"),
       .serialized)
struct OIDCInitialAccessTokenTests {
    static func initialAccessToken() throws -> SecretText {
        let server = try #require(OIDCTestServer.current)
        let details = try #require(server.ready["initial_access"] as? [String: Any])
        return SecretText(try #require(details["token"] as? String))
    }

    @Test("without the token, registration is refused with one line saying what is missing")
    func withoutToken() async throws {
        let fixture = try OIDCFixture.onServer(idpName: "strict-idp")
        let text = await oidcErrorLine { try await fixture.adapter.register(displayName: "x", secretLifetime: nil) }
        #expect(text.contains("strict-idp") && text.contains("initial access token") && text.contains("client-request-id"))
        #expect(try fixture.store.clientIds(idp: "strict-idp").isEmpty)
    }

    @Test("with the token, registration works and the secret verifies; the token's expiry is the admin expiry")
    func withToken() async throws {
        let token = try Self.initialAccessToken()
        let fixture = try OIDCFixture.onServer(idpName: "strict-idp", initialAccessToken: token)
        let (client, secret) = try await fixture.adapter.register(displayName: "with-iat", secretLifetime: nil)
        #expect(try await fixture.adapter.verify(secret.text, for: RemoteClientReference(clientId: client.clientId))
            == .accepted)
        let status = try await fixture.adapter.checkAdminAccess()
        #expect(status.canAct)
        let expiresAt = try #require(status.credentialExpiresAt, "glewlwyd's initial access token is a JWT with exp")
        #expect(expiresAt > Date())
    }

    @Test("a bad initial access token is named as refused, without its text")
    func badToken() async throws {
        let fake = "bad-iat-\(UUID().uuidString)"
        let fixture = try OIDCFixture.onServer(idpName: "strict-idp", initialAccessToken: SecretText(fake))
        let text = await oidcErrorLine { try await fixture.adapter.register(displayName: "x", secretLifetime: nil) }
        #expect(text.contains("refused the initial access token") && !text.contains(fake))
    }
}

/// `OIDCIdentityProvider.standard`, which StandardAdapters calls: the store beside the registry, the IdP's
/// credential source as the initial access token.
@Suite("OIDC adapter as StandardAdapters makes it", .glewlwyd("--require-initial-access-token"))
struct OIDCStandardAdapterTests {
    @Test("the initial access token comes from the credential source; tokens go to registry.credentials")
    func standard() async throws {
        let scratch = try OIDCTemporaryDirectory()
        let token = try OIDCInitialAccessTokenTests.initialAccessToken()
        let environment = [
            "IAT": token.reveal(), "XDG_CONFIG_HOME": scratch.url.appendingPathComponent("config").path,
        ]
        let idp = IdentityProvider(
            name: "standard-idp", kind: .oidc,
            settings: IdentityProviderSettings(issuer: try OIDCTestServer.issuer(), scopes: ["api.read"]),
            credentialSource: .environmentVariable("IAT"), createdAt: Date())
        let registry = try Registry.open(at: scratch.url.appendingPathComponent("registry.sqlite").path, create: true)
        try registry.addIdentityProvider(idp, actor: "tests")
        let adapter = try OIDCIdentityProvider.standard(idp, registry: registry, clock: .wall, environment: environment)
        #expect(adapter.store.registry === registry)
        #expect(adapter.store.keyFile == scratch.url.appendingPathComponent("config/clientele/credentials.key").path)
        let (client, secret) = try await adapter.register(displayName: "standard", secretLifetime: nil)
        #expect(try await adapter.verify(secret.text, for: RemoteClientReference(clientId: client.clientId)) == .accepted)
        #expect(try adapter.store.clientIds(idp: "standard-idp") == [client.clientId])

        let certificate = IdentityProvider(
            name: "cert-idp", kind: .oidc, settings: IdentityProviderSettings(issuer: "https://idp.example.test"),
            credentialSource: .certificate(certificateFile: "/nonexistent.pem", privateKeyFile: "/nonexistent.key"),
            createdAt: Date())
        #expect(throws: ClienteleError.self) {
            try OIDCIdentityProvider.standard(certificate, registry: registry, clock: .wall, environment: environment)
        }
    }
}
