import ClienteleCore
import Foundation
import Testing

/// API definitions listed from a gateway with 2,500 of them: all in one request (Tyk pages no list), scoped by
/// org id; and throttling retried through the one HTTP client.
@Suite(.serialized, .tykServer("--apis", "2500", "--seed", "tyk-listing"))
struct TykListingTests {
    @Test func everyAPIDefinitionIsListedInOneRequest() async throws {
        let server = try currentTykServer()
        try await server.resetStats()
        let apis = try await server.adapter().apis(in: TykTestServer.scope)
        #expect(apis.count == 2500)
        #expect(Set(apis.map(\.remoteId)).count == 2500)
        #expect(apis.first?.name == "api-00001" && apis.last?.name == "api-02500")
        #expect(apis.first?.detail == "listen path /api-00001/")
        #expect(try await server.requests("GET /tyk/apis") == 1)
    }

    @Test func anEnvironmentWithAnOrgIdSeesOnlyThatOrgsDefinitions() async throws {
        let server = try currentTykServer()
        let body = GatewayValue.object([
            "name": .string("org7-orders"), "org_id": .string("org-7"),
            "proxy": .object(["listen_path": .string("/org7/"), "target_url": .string("http://127.0.0.1:9/x"),
                              "strip_listen_path": .bool(true)]),
            "version_data": .object(["not_versioned": .bool(true), "versions": .object(["Default": .object(["name": .string("Default")])])]),
        ])
        let (status, answer) = try await server.tyk(.POST, "/tyk/apis", body)
        try #require(status == 200, "\(answer)")
        try await server.reload()
        let scoped = GatewayScope(gatewayName: "tyk-test", environmentName: "Org7", gatewayEnvironment: "org-7")
        let apis = try await server.adapter().apis(in: scoped)
        #expect(apis.map(\.name) == ["org7-orders"])
        #expect(apis.first?.remoteId == answer[path: "key"]?.stringValue)
        let other = GatewayScope(gatewayName: "tyk-test", environmentName: "None", gatewayEnvironment: "org-none")
        #expect(try await server.adapter().apis(in: other).isEmpty)
    }

    @Test func throttlingIsRetriedAfterRetryAfter() async throws {
        let server = try currentTykServer()
        let sleeps = SleepLog()
        try await server.fault(#"{"method":"GET","path_regex":"^/tyk/apis$","status":429,"retry_after":1,"count":2}"#)
        let apis = try await server.adapter(sleeps: sleeps).apis(in: TykTestServer.scope)
        #expect(apis.count >= 2500)
        #expect(sleeps.recorded == [1, 1])
    }

    @Test func exhaustedUnavailabilityIsOneLine() async throws {
        let server = try currentTykServer()
        let sleeps = SleepLog()
        try await server.fault(#"{"method":"GET","path_regex":"^/tyk/policies$","status":503,"retry_after":2,"count":4}"#)
        let line = await errorLine {
            _ = try await server.adapter(sleeps: sleeps).policies(on: [], in: TykTestServer.scope)
        }
        try await server.clearFaults()
        #expect(line.hasPrefix("gateway tyk-test: listing policies was unavailable (HTTP 503) after 4 attempts"), "\(line)")
        #expect(sleeps.recorded == [2, 2, 2])
    }
}
