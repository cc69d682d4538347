import ClienteleCore
import Foundation
import Testing

/// `gateway check` against a real loopback Tyk: healthy, a refused secret, no secret, nothing listening.
@Suite(.serialized, .tykServer("--apis", "3"))
struct TykCheckTests {
    @Test func aHealthyGatewayReportsVersionAndWhatCanBeManaged() async throws {
        let server = try currentTykServer()
        let report = try await server.adapter().check()
        #expect(report.isHealthy, "\(report.problems)")
        #expect(report.version == "5.14.0")
        #expect(report.manageable.count == 2)
        #expect(report.manageable.contains { $0.hasPrefix("classic API definitions") })
        #expect(report.manageable.contains { $0.contains("policy_source file") })
    }

    @Test func aRefusedSecretIsAProblemThatNamesTheFixAndNotTheSecret() async throws {
        let server = try currentTykServer()
        let wrong = "not-the-secret-\(UUID().uuidString)"
        let report = try await server.adapter(secret: wrong).check()
        #expect(report.reachable && !report.credentialAccepted)
        #expect(report.version == "5.14.0")
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1)
        #expect(problem.hasPrefix("gateway tyk-test: listing API definitions: the admin secret was refused (HTTP 403"), "\(problem)")
        #expect(problem.contains("tyk.conf's secret"))
        #expect(!problem.contains(wrong) && !problem.contains(server.secret))
    }

    @Test func noSecretAtAllIsAProblemNamingTheOptions() async throws {
        let server = try currentTykServer()
        let adapter = TykGateway(gateway: server.gateway(), credential: .none, http: PeerHTTPClient(peer: .gateway("tyk-test")))
        let report = try await adapter.check()
        #expect(report.reachable && !report.credentialAccepted)
        #expect(report.problems.first?.contains("has no admin secret; give one with --secret-env") == true, "\(report.problems)")
    }

    @Test func anUnreachableGatewayIsOneLineWithTheFix() async throws {
        let server = try currentTykServer()
        let port = try closedLoopbackPort()
        let report = try await server.adapter(url: "http://127.0.0.1:\(port)").check()
        #expect(!report.reachable && !report.credentialAccepted && report.version == nil)
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1)
        #expect(problem.hasPrefix("gateway tyk-test: asking /hello failed: cannot connect to 127.0.0.1 (connection refused)"), "\(problem)")
        #expect(!problem.contains("\n"))
        let line = await errorLine { _ = try await server.adapter(url: "http://127.0.0.1:\(port)").apis(in: TykTestServer.scope) }
        #expect(line.hasPrefix("gateway tyk-test: listing API definitions failed: cannot connect"), "\(line)")
    }

    @Test func theStandardAdaptersMakeTheTykAdapter() throws {
        let server = try currentTykServer()
        var gateway = server.gateway()
        gateway.id = 7
        gateway.credentialSource = .environmentVariable("CLIENTELE_TEST_TYK_SECRET_UNSET")
        let adapters = StandardGatewayAdapters(registryPath: "/nonexistent", clock: .wall)
        #expect(throws: ClienteleError.gateway("gateway tyk-test: the admin secret's variable $CLIENTELE_TEST_TYK_SECRET_UNSET is not set")) {
            try adapters.adapter(for: gateway)
        }
        gateway.id = 8
        gateway.credentialSource = .none
        #expect(try adapters.adapter(for: gateway).mapping.kind == .tyk)
    }
}
