import ClienteleCore
import Foundation
import Testing

/// Plan, apply and drift against the Kong test server with the one differ: apply the steps, observe nothing left,
/// then change things behind Clientele's back with plain Admin API requests.
@Suite struct KongApplyTests {
    static let scope = KongTestServer.scope

    static func assignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int) throws -> PolicyAssignment {
        PolicyAssignment(
            environmentId: 1, policy: kind, api: api,
            configuration: try PolicyCatalog.schema(for: kind).validate(pairs: pairs), position: position,
            createdAt: Date(), updatedAt: Date())
    }

    /// Four kinds on three services: two on every API, two narrowed.
    static func assignments() throws -> [PolicyAssignment] {
        [
            try assignment(.clientIdEnforcement, ["credentials=header", "client-id-header=x-client-id"], position: 1),
            try assignment(.rateLimiting, ["requests=100", "window=1m"], position: 2),
            try assignment(.cors, ["origins=https://app.example", "max-age=1h"], api: "api-00001", position: 3),
            try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], api: "api-00002", position: 4),
            try assignment(.jwtValidation, ["jwks-url=https://idp.example/keys", "issuer=https://idp.example"],
                           api: "api-00003", position: 5),
        ]
    }

    struct Environment {
        let server: KongTestServer
        let adapter: KongGateway
        let apis: [RemoteAPI]

        func differences(_ assignments: [PolicyAssignment]) async throws -> [GatewayDifference] {
            let desired = try adapter.mapping.desired(assignments, on: apis, scope: KongApplyTests.scope)
            let observed = try await adapter.policies(on: apis, in: KongApplyTests.scope)
            return GatewayComparison.differences(desired: desired, observed: observed, ordersPolicies: adapter.mapping.ordersPolicies)
        }

        @discardableResult
        func apply(_ assignments: [PolicyAssignment]) async throws -> [GatewayStep] {
            let steps = GatewayComparison.steps(for: try await differences(assignments), mapping: adapter.mapping)
            for step in steps { _ = try await adapter.perform(step, in: KongApplyTests.scope) }
            return steps
        }
    }

    /// Five services, three of them Prod's.
    static func environment() async throws -> Environment {
        let server = try KongTestServer("--apis", "5")
        try await server.tagServices(3)
        let adapter = server.adapter()
        let apis = try await adapter.apis(in: scope)
        #expect(apis.count == 3)
        return Environment(server: server, adapter: adapter, apis: apis)
    }

    @Test func applyingEveryStepLeavesNoDifference() async throws {
        let env = try await Self.environment()
        let steps = try await env.apply(try Self.assignments())
        #expect(steps.map(\.action) == Array(repeating: .create, count: 9))
        #expect(try await env.differences(try Self.assignments()) == [])
        // What Kong holds: Clientele's marks and Kong's defaults beside the fields it set.
        let limit = try #require(try await env.server.plugins(on: "api-00002").first { $0["name"] as? String == "rate-limiting" })
        let config = try #require(limit["config"] as? [String: Any])
        #expect(config["minute"] as? Int == 100)
        #expect(config["limit_by"] as? String == "consumer")
        #expect(config["fault_tolerant"] as? Bool == true)
        #expect(Set(limit["tags"] as? [String] ?? []) == ["managed-by-clientele", "prod"])
        let jwt = try #require(try await env.server.plugins(on: "api-00003").first { $0["name"] as? String == "jwt" })
        #expect((jwt["tags"] as? [String] ?? []).contains("clientele.jwks-url=https:%2F%2Fidp.example%2Fkeys"))
        #expect(try await env.server.plugins(on: "api-00004").isEmpty, "a service of another environment got a plugin")
        // A second apply has nothing to do.
        #expect(try await env.apply(try Self.assignments()) == [])
    }

    @Test func aFieldChangedBehindClientelesBackIsExactlyOneConfiguredDifference() async throws {
        let env = try await Self.environment()
        try await env.apply(try Self.assignments())
        let limit = try #require(try await env.server.plugins(on: "api-00002").first { $0["name"] as? String == "rate-limiting" })
        let id = try #require(limit["id"] as? String)
        let (status, _) = try await env.server.admin("PATCH", "/plugins/\(id)", #"{"config": {"minute": 500}}"#)
        #expect(status == 200)

        let differences = try await env.differences(try Self.assignments())
        #expect(differences.count == 1)
        let drift = try #require(differences.first)
        #expect(drift.kind == .configured)
        #expect(drift.apiName == "api-00002" && drift.element == "rate-limiting" && drift.policy == .rateLimiting)
        #expect(drift.changes == [GatewayFieldChange(path: "config.minute", theirs: .int(500), ours: .int(100))])

        // Pushing the registry's view back: one update, and only that field moved.
        let steps = try await env.apply(try Self.assignments())
        #expect(steps.map(\.action) == [.update])
        #expect(try await env.differences(try Self.assignments()) == [])
        let after = try #require(try await env.server.plugins(on: "api-00002").first { $0["name"] as? String == "rate-limiting" })
        #expect(after["id"] as? String == id)
    }

    @Test func aPluginClickedInByHandIsUnassignedAndNeverDeleted() async throws {
        let env = try await Self.environment()
        try await env.apply(try Self.assignments())
        let (status, _) = try await env.server.admin("POST", "/services/api-00001/plugins",
                                                     #"{"name": "request-transformer", "config": {"add": {"headers": ["X-Hand:made"]}}}"#)
        #expect(status == 201)

        let differences = try await env.differences(try Self.assignments())
        #expect(differences.count == 1)
        let drift = try #require(differences.first)
        #expect(drift.kind == .unassigned && drift.element == "request-transformer")
        #expect(drift.theirs?.managed == false)
        #expect(drift.policy == .headerInjection)
        #expect(env.adapter.mapping.adopt(try #require(drift.theirs))?.pairs == ["headers=X-Hand:made", "direction=request"])
        #expect(GatewayComparison.steps(for: differences, mapping: env.adapter.mapping).isEmpty)
        #expect(try await env.server.plugins(on: "api-00001").contains { $0["name"] as? String == "request-transformer" })
    }

    @Test func anUnassignedPolicyIsDeletedAndGone() async throws {
        let env = try await Self.environment()
        try await env.apply(try Self.assignments())
        let fewer = try Self.assignments().filter { $0.policy != .rateLimiting }
        let steps = try await env.apply(fewer)
        #expect(steps.map(\.action) == [.delete, .delete, .delete])
        #expect(steps.allSatisfy { $0.element == "rate-limiting" })
        #expect(try await env.differences(fewer) == [])
        for service in ["api-00001", "api-00002", "api-00003"] {
            #expect(try await !env.server.plugins(on: service).contains { $0["name"] as? String == "rate-limiting" })
        }
        // Deleting what is already gone is done, not an error.
        for step in steps { #expect(try await env.adapter.perform(step, in: Self.scope) == nil) }
    }

    @Test func aResumedCreateReplacesItsOwnPluginInsteadOfAddingOne() async throws {
        let env = try await Self.environment()
        let limit = try Self.assignment(.rateLimiting, ["requests=100"], position: 1)
        let steps = GatewayComparison.steps(for: try await env.differences([limit]), mapping: env.adapter.mapping)
        let first = try #require(steps.first)
        let written = try await env.adapter.perform(first, in: Self.scope)
        // The process died before recording the step as done; the resumed apply runs it again.
        let again = try await env.adapter.perform(first, in: Self.scope)
        #expect(written?.remoteId == again?.remoteId)
        #expect(try await env.server.plugins(on: first.apiName).count == 1)
        #expect(again?.managed == true && again?.kind == .rateLimiting)
    }

    @Test func aConfigKongRejectsIsOneLineNamingGatewayEnvironmentPolicyAndField() async throws {
        let env = try await Self.environment()
        let limit = try Self.assignment(.rateLimiting, ["requests=100"], position: 1)
        var step = try #require(GatewayComparison.steps(for: try await env.differences([limit]), mapping: env.adapter.mapping).first)
        // A value that passed Clientele's checks but not Kong's schema (config.minute must be > 0).
        step.desired?.fields["config.minute"] = .int(0)
        let line = await errorLine { _ = try await env.adapter.perform(step, in: Self.scope) }
        #expect(line == "gateway kong-test: environment Prod: Kong refused rate-limiting (plugin rate-limiting on service \(step.apiName)): config.minute: value must be greater than 0", "\(line)")
        #expect(try await env.server.plugins(on: step.apiName).isEmpty)
    }

    @Test func anUpdateOfAPluginDeletedMeanwhileCreatesItAgainUnderItsId() async throws {
        let env = try await Self.environment()
        let limit = try Self.assignment(.rateLimiting, ["requests=100"], position: 1)
        try await env.apply([limit])
        let faster = try Self.assignment(.rateLimiting, ["requests=300"], position: 1)
        let steps = GatewayComparison.steps(for: try await env.differences([faster]), mapping: env.adapter.mapping)
        let update = try #require(steps.first)
        #expect(update.action == .update && update.changes.map(\.path) == ["config.minute"])
        let id = try #require(update.current?.remoteId)
        _ = try await env.server.admin("DELETE", "/plugins/\(id)")
        let written = try await env.adapter.perform(update, in: Self.scope)
        #expect(written?.remoteId == id && written?.fields["config.minute"] == .int(300))
        // The other two services still hold 100 a minute: their updates were not run here.
        #expect(try await env.differences([faster]).map(\.apiName).sorted() == env.apis.map(\.name).filter { $0 != update.apiName }.sorted())
    }

    @Test func aSecretSomebodyPutInAPluginIsNeverShown() async throws {
        let env = try await Self.environment()
        try await env.apply([try Self.assignment(.rateLimiting, ["requests=100"], position: 1)])
        let limit = try #require(try await env.server.plugins(on: "api-00001").first)
        let (status, answer) = try await env.server.admin("PATCH", "/plugins/\(try #require(limit["id"] as? String))",
            #"{"config": {"policy": "redis", "redis": {"host": "redis.example", "password": "hunter2-not-for-eyes"}}}"#)
        #expect(status == 200, "\(answer)")
        let observed = try await env.adapter.policies(on: env.apis, in: Self.scope)
        let element = try #require(observed.first { $0.apiName == "api-00001" })
        #expect(element.fields["config.redis.password"] == GatewayPolicy.redacted)
        #expect(!"\(observed)".contains("hunter2"))
        let export = try await env.adapter.export(.deck, apis: env.apis, in: Self.scope)
        #expect(!export.contains("hunter2") && export.contains("(secret)"))
    }

    @Test func throttlingAndUnavailabilityAreRetriedAfterRetryAfter() async throws {
        let env = try await Self.environment()
        let sleeps = SleepLog()
        let adapter = env.server.adapter(sleeps: sleeps)
        try await env.server.fault(#"[{"path_regex": "^/plugins", "status": 429, "retry_after": 2, "count": 1}, {"path_regex": "^/plugins", "status": 503, "retry_after": 1, "count": 1}]"#)
        let observed = try await adapter.policies(on: env.apis, in: Self.scope)
        #expect(observed.isEmpty)
        #expect(sleeps.recorded == [2, 1])
        #expect(try await env.server.requests("GET /plugins") == 3)
    }
}
