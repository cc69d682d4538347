import ClienteleCore
import Foundation
import Testing

@Suite("OIDC adapter against a misbehaving provider")
struct OIDCMisbehavingProviderTests {
    @Test("a registration answered 200 without client_secret is one line, and the public client is deleted again")
    func registrationWithoutSecret() async throws {
        let provider = try OIDCMisbehavingProvider()
        let fixture = try OIDCFixture(issuer: provider.issuerWithoutSecrets, idpName: "odd-idp")
        let text = await oidcErrorLine { try await fixture.adapter.register(displayName: "x", secretLifetime: nil) }
        #expect(text.contains("odd-idp") && text.contains("client public1") && text.contains("without a client_secret"))
        #expect(text.contains("client-request-id") && !text.contains("rat-public1"))
        #expect(try fixture.store.clientIds(idp: "odd-idp").isEmpty)
        let deleted = try await PeerHTTPClient(peer: .identityProvider("test")).send(
            PeerRequest(method: .GET, url: "\(provider.base)/deleted", purpose: "asking what was deleted"))
        #expect(String(decoding: deleted.body, as: UTF8.self).contains("/good/register/public1"))
    }

    @Test("a discovery document cut short is one line naming the IdP")
    func truncatedDiscovery() async throws {
        let provider = try OIDCMisbehavingProvider()
        let fixture = try OIDCFixture(issuer: provider.issuerTruncated, idpName: "cut-idp")
        let text = await oidcErrorLine { try await fixture.adapter.checkAdminAccess() }
        #expect(text.contains("cut-idp") && text.contains("not JSON (or is cut short)") && text.contains("client-request-id"))
    }
}
