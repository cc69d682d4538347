import ClienteleCore
import Foundation
import Testing

/// `gateway check` against the Kong test server: what a good token, a wrong one and no Kong at all look like.
@Suite struct KongCheckTests {
    @Test func aGoodTokenIsReachableAcceptedAndVersioned() async throws {
        let server = try KongTestServer()
        let check = try await server.adapter().check()
        #expect(check.reachable && check.credentialAccepted)
        #expect(check.version == "3.10.0")
        #expect(check.edition == "community")
        #expect(check.problems == [])
        #expect(check.isHealthy)
        #expect(check.manageable.contains { $0.contains("managed-by-clientele") })
    }

    @Test func aWrongTokenIsReachableButRefused() async throws {
        let server = try KongTestServer()
        let check = try await server.adapter(token: "not-the-token").check()
        #expect(check.reachable)
        #expect(!check.credentialAccepted)
        #expect(check.problems.count == 1)
        let problem = try #require(check.problems.first)
        #expect(problem.hasPrefix("the admin token was refused (HTTP 401)"), "\(problem)")
        #expect(!problem.contains("not-the-token"))
    }

    @Test func aWrongTokenMakesListingOneLine() async throws {
        let server = try KongTestServer("--apis", "2")
        let line = await errorLine { _ = try await server.adapter(token: "not-the-token").apis(in: KongTestServer.scope) }
        #expect(line.hasPrefix("gateway kong-test: listing services: the admin token was refused (HTTP 401)"), "\(line)")
        #expect(!line.contains("not-the-token"))
    }

    @Test func anUnreachablePortIsAProblemNotACrash() async throws {
        let server = try KongTestServer()
        let port = try closedLoopbackPort()
        let check = try await server.adapter(url: "http://127.0.0.1:\(port)").check()
        #expect(!check.reachable && !check.credentialAccepted)
        let problem = try #require(check.problems.first)
        #expect(problem.contains("cannot connect to 127.0.0.1 (connection refused)"), "\(problem)")
        #expect(problem.contains("check the Admin API URL http://127.0.0.1:\(port)"), "\(problem)")
    }
}

/// The adapter a real `clientele` gets for a Kong gateway record: Kong OSS with no admin auth (no credential).
@Suite struct KongStandardAdapterTests {
    @Test func aKongGatewayRecordGetsTheKongAdapter() async throws {
        let server = try KongTestServer("--no-admin-token")
        let adapters = StandardGatewayAdapters(registryPath: "/nonexistent/registry.sqlite", clock: .wall)
        let adapter = try adapters.adapter(for: server.gateway())
        #expect(adapter.mapping.kind == .kong)
        let check = try await adapter.check()
        #expect(check.isHealthy, "\(check.problems)")
        #expect(check.version == "3.10.0")
    }
}
