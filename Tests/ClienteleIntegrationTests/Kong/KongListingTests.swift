import ClienteleCore
import Foundation
import Testing

/// Services as APIs: every page of 2,500, the tag that scopes an environment, routes' paths in the detail.
@Suite struct KongListingTests {
    @Test func everyPageOfTwoThousandFiveHundredServicesIsRead() async throws {
        let server = try KongTestServer("--apis", "2500")
        try await server.resetStats()
        let untagged = GatewayScope(gatewayName: "kong-test", environmentName: "All", gatewayEnvironment: nil)
        let apis = try await server.adapter().apis(in: untagged)
        #expect(apis.count == 2500)
        #expect(Set(apis.map(\.remoteId)).count == 2500)
        #expect(Set(apis.map(\.name)) == Set((1...2500).map { "api-\(String(format: "%05d", $0))" }))
        let last = try #require(apis.first { $0.name == "api-02500" })
        #expect(last.detail == "routes /api-02500")
        // 1,000 a page: three pages each of services and routes, not 25 of Kong's default 100.
        #expect(try await server.requests("GET /services") == 3)
        #expect(try await server.requests("GET /routes") == 3)
    }

    @Test func anEnvironmentSeesOnlyTheServicesCarryingItsTag() async throws {
        let server = try KongTestServer("--apis", "5")
        try await server.tagServices(2)
        let apis = try await server.adapter().apis(in: KongTestServer.scope)
        #expect(apis.map(\.name).sorted() == ["api-00001", "api-00002"])
        let other = GatewayScope(gatewayName: "kong-test", environmentName: "Dev", gatewayEnvironment: "dev")
        #expect(try await server.adapter().apis(in: other).isEmpty)
    }
}
