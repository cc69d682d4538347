import ClienteleCore
import Foundation
import Testing

@Suite("OIDC adapter with an unreachable issuer")
struct OIDCUnreachableIssuerTests {
    /// The shared HTTP client's pool retries a refused connection until the request's deadline, so each call here
    /// costs the whole timeout: a short one keeps the suite quick.
    @Test("every operation fails with one line naming the IdP; verify says it could not verify")
    func closedPortIssuer() async throws {
        let fixture = try OIDCFixture(issuer: "http://127.0.0.1:\(try closedLoopbackPort())/api/oidc", idpName: "offline-idp",
                                  timeout: 2)
        let admin = await oidcErrorLine { try await fixture.adapter.checkAdminAccess() }
        #expect(admin.contains("offline-idp") && admin.contains("connection refused"))
        let register = await oidcErrorLine { try await fixture.adapter.register(displayName: "x", secretLifetime: nil) }
        #expect(register.contains("offline-idp") && register.contains("client-request-id"))
        let verification = try await fixture.adapter.verify(SecretText("s"), for: RemoteClientReference(clientId: "c"))
        #expect({ if case .couldNotVerify(let why) = verification { why.contains("offline-idp") } else { false } }())
    }
}
