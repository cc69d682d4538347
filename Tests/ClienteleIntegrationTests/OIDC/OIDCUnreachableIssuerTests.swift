import ClienteleCore
import Foundation
import Testing

@Suite("OIDC adapter with an unreachable issuer")
struct OIDCUnreachableIssuerTests {
    /// A loopback port that was free a moment ago and that nothing listens on.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The shared HTTP client's pool retries a refused connection until the request's deadline, so each call here
    /// costs the whole timeout: a short one keeps the suite quick.
    @Test("every operation fails with one line naming the IdP; verify says it could not verify")
    func closedPortIssuer() async throws {
        let fixture = try OIDCFixture(issuer: "http://127.0.0.1:\(try Self.closedPort())/api/oidc", idpName: "offline-idp",
                                  timeout: 2)
        let admin = await oidcErrorLine { try await fixture.adapter.checkAdminAccess() }
        #expect(admin.contains("offline-idp") && admin.contains("connection refused"))
        let register = await oidcErrorLine { try await fixture.adapter.register(displayName: "x", secretLifetime: nil) }
        #expect(register.contains("offline-idp") && register.contains("client-request-id"))
        let verification = try await fixture.adapter.verify(SecretText("s"), for: RemoteClientReference(clientId: "c"))
        #expect({ if case .couldNotVerify(let why) = verification { why.contains("offline-idp") } else { false } }())
    }
}
