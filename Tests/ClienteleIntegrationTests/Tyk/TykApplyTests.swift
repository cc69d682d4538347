import ClienteleCore
import Foundation
import Testing

/// Plan, apply and drift against a real loopback Tyk: the one differ's steps carried out by the adapter, the
/// reload that makes them served, changes made behind Clientele's back, elements clicked in by hand, deletes,
/// refusals and retries. Each test works on its own seeded APIs (odd ones are keyless, even ones have auth).
@Suite(.serialized, .tykServer("--apis", "16", "--seed", "tyk-apply"))
struct TykApplyTests {
    let scope = TykTestServer.scope
    let mapping = TykPolicyMapping()

    func assignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int = 1) throws -> PolicyAssignment {
        PolicyAssignment(
            environmentId: 1, policy: kind, api: api,
            configuration: try PolicyCatalog.schema(for: kind).validate(pairs: pairs), position: position,
            createdAt: Date(), updatedAt: Date())
    }

    func differences(_ adapter: TykGateway, _ assignments: [PolicyAssignment], on apis: [RemoteAPI]) async throws
        -> [GatewayDifference]
    {
        let desired = try mapping.desired(assignments, on: apis, scope: scope)
        let observed = try await adapter.policies(on: apis, in: scope)
        return GatewayComparison.differences(desired: desired, observed: observed, ordersPolicies: mapping.ordersPolicies)
    }

    /// Plans and carries out every step; returns the steps.
    @discardableResult
    func apply(_ adapter: TykGateway, _ assignments: [PolicyAssignment], on apis: [RemoteAPI]) async throws -> [GatewayStep] {
        let steps = GatewayComparison.steps(for: try await differences(adapter, assignments, on: apis), mapping: mapping)
        for step in steps { _ = try await adapter.perform(step, in: scope) }
        return steps
    }

    @Test func anApplyOfSeveralKindsOnSeveralAPIsLeavesNoDifference() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00001", "api-00003", "api-00005"])
        let assignments = [
            try assignment(.rateLimiting, ["requests=100", "window=1m"], position: 1),
            try assignment(.cors, ["origins=https://shop.example", "methods=GET,POST,PUT"], position: 2),
            try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], api: "api-00003", position: 3),
            try assignment(.headerInjection, ["headers=X-Env:prod"], position: 4),
            try assignment(.clientIdEnforcement, ["credentials=header", "client-id-header=X-Client"], api: "api-00001", position: 5),
            try assignment(.jwtValidation, ["jwks-url=https://idp.example/keys"], api: "api-00005", position: 6),
        ]
        let adapter = server.adapter()
        let steps = GatewayComparison.steps(for: try await differences(adapter, assignments, on: apis), mapping: mapping)
        // 3 policies, 3 CORS, 3 headers, 1 allowlist, 1 auth, 1 JWT: all creates; then one reload.
        #expect(steps.filter { $0.action == .create }.count == 12)
        #expect(steps.last == .reload() && steps.filter { $0.action == .reload }.count == 1)
        #expect(steps.allSatisfy { $0.action == .create || $0.action == .reload })

        for step in steps.dropLast() { _ = try await adapter.perform(step, in: scope) }
        // Written, not loaded. This process knows: only not-loaded differences, and the plan is the reload.
        let pending = try await differences(adapter, assignments, on: apis)
        #expect(!pending.isEmpty && pending.allSatisfy { $0.kind == .notLoaded }, "\(pending.map(\.kind))")
        #expect(GatewayComparison.steps(for: pending, mapping: mapping) == [.reload()])
        // Another process (an apply killed before its reload) sees what Tyk serves: nothing of it yet.
        let resumed = server.adapter()
        #expect(try await differences(resumed, assignments, on: apis).filter { $0.kind == .missing }.count == 12)

        // The reload the killed apply left to do makes it all served.
        #expect(try await resumed.perform(.reload(), in: scope) == nil)
        #expect(try await differences(server.adapter(), assignments, on: apis).isEmpty)
        #expect(try await differences(adapter, assignments, on: apis).isEmpty)

        // What Clientele wrote is marked as its own in the gateway, and adopts back to what was assigned.
        let observed = try await server.adapter().policies(on: apis, in: scope)
        #expect(observed.count == 12 && observed.allSatisfy { $0.managed && $0.loaded && $0.kind != nil })
        let cors = try #require(observed.first { $0.element == "CORS" })
        let adopted = try #require(mapping.adopt(cors))
        #expect(try PolicyCatalog.schema(for: .cors).validate(pairs: adopted.pairs) == assignments[1].configuration)
        let (_, definition) = try await server.tyk(.GET, "/tyk/apis/\(apis[1].remoteId)")
        #expect(definition[path: "config_data.clientele.owns"] == .strings(["CORS", "headers", "ip-allowlist"]))
        let (status, policy) = try await server.tyk(.GET, "/tyk/policies/clientele-prod-\(apis[0].remoteId)")
        #expect(status == 200)
        #expect(policy[path: "rate"] == .int(100) && policy[path: "per"] == .int(60))
        #expect(policy[path: "access_rights"]?.objectValue?[apis[0].remoteId]?.objectValue?["api_name"] == .string("api-00001"))
        #expect(definition[path: "use_keyless"] == .bool(true), "the allowlisted API had no auth assigned: still keyless")

        // Applying again changes nothing.
        #expect(try await apply(server.adapter(), assignments, on: apis).isEmpty)
    }

    @Test func aFieldChangedBehindClientelesBackIsOneConfiguredDifference() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00007"])
        let assignments = [try assignment(.cors, ["origins=https://shop.example", "max-age=10m"]),
                           try assignment(.rateLimiting, ["requests=50", "window=1s"], position: 2)]
        try await apply(server.adapter(), assignments, on: apis)
        try await server.editDefinition(apis[0].remoteId) { definition in
            var cors = definition["CORS"]?.objectValue ?? [:]
            cors["max_age"] = .int(99)
            definition["CORS"] = .object(cors)
        }
        let drift = try await differences(server.adapter(), assignments, on: apis)
        try #require(drift.count == 1, "\(drift)")
        #expect(drift[0].kind == .configured && drift[0].element == "CORS" && drift[0].policy == .cors)
        #expect(drift[0].changes == [GatewayFieldChange(path: "CORS.max_age", theirs: .int(99), ours: .int(600))])
        #expect(mapping.describe(try #require(drift[0].ours)) == "Tyk CORS on API definition api-00007")

        // A policy's rate changed by hand is the same.
        let id = "clientele-prod-\(apis[0].remoteId)"
        var (_, policy) = try await server.tyk(.GET, "/tyk/policies/\(id)")
        var object = try #require(policy.objectValue)
        object["rate"] = .int(500)
        policy = .object(object)
        #expect(try await server.tyk(.PUT, "/tyk/policies/\(id)", policy).0 == 200)
        try await server.reload()
        let both = try await differences(server.adapter(), assignments, on: apis)
        #expect(both.map(\.element) == ["CORS", "policy"])
        #expect(both.last?.changes == [GatewayFieldChange(path: "rate", theirs: .int(500), ours: .int(50))])

        // Pushing the registry's view puts both back.
        let steps = try await apply(server.adapter(), assignments, on: apis)
        #expect(steps.map(\.action) == [.update, .update, .reload])
        #expect(try await differences(server.adapter(), assignments, on: apis).isEmpty)
    }

    @Test func elementsClickedInByHandAreUnmanagedAndNeverDeleted() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00009", "api-00010"])
        try await server.editDefinition(apis[0].remoteId) { definition in
            definition["enable_ip_whitelisting"] = .bool(true)
            definition["allowed_ips"] = .strings(["192.0.2.0/24"])
        }
        let gold = GatewayValue.object([
            "id": .string("gold"), "rate": .int(1000), "per": .int(60),
            "access_rights": .object([apis[0].remoteId: .object(["api_id": .string(apis[0].remoteId), "versions": .strings(["Default"])])]),
        ])
        #expect(try await server.tyk(.POST, "/tyk/policies", gold).0 == 200)
        try await server.reload()

        let drift = try await differences(server.adapter(), [], on: apis)
        // api-00010 is seeded with use_standard_auth: someone else's auth, just as unmanaged.
        let byElement = Dictionary(drift.map { ($0.element, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(drift.count == 3 && Set(byElement.keys) == ["ip-allowlist", "policy gold", "auth"], "\(drift.map(\.element))")
        #expect(drift.allSatisfy { $0.kind == .unassigned && $0.theirs?.managed == false && !$0.isPushable })
        #expect(byElement["ip-allowlist"]?.policy == .ipAllowlist && byElement["ip-allowlist"]?.apiId == apis[0].remoteId)
        #expect(byElement["policy gold"]?.policy == .rateLimiting && byElement["policy gold"]?.apiId == apis[0].remoteId)
        #expect(byElement["auth"]?.policy == .clientIdEnforcement && byElement["auth"]?.apiId == apis[1].remoteId)
        #expect(mapping.adopt(try #require(byElement["ip-allowlist"]?.theirs))?.pairs == ["cidrs=192.0.2.0/24"])
        #expect(GatewayComparison.steps(for: drift, mapping: mapping).isEmpty)
    }

    @Test func anUnassignedManagedElementIsDeletedAndGone() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00011"])
        let assignments = [try assignment(.cors, ["origins=*"]), try assignment(.rateLimiting, ["requests=5"], position: 2),
                           try assignment(.headerInjection, ["headers=X-A:1,X-B:2"], position: 3)]
        try await apply(server.adapter(), assignments, on: apis)
        // Someone adds their own header beside Clientele's: it stays when Clientele's go.
        try await server.editDefinition(apis[0].remoteId) { definition in
            var data = definition["version_data"]?.objectValue ?? [:]
            var versions = data["versions"]?.objectValue ?? [:]
            var version = versions["Default"]?.objectValue ?? [:]
            var headers = version["global_headers"]?.objectValue ?? [:]
            headers["X-Theirs"] = .string("kept")
            version["global_headers"] = .object(headers)
            versions["Default"] = .object(version)
            data["versions"] = .object(versions)
            definition["version_data"] = .object(data)
        }
        let drift = try await differences(server.adapter(), [], on: apis)
        #expect(drift.map(\.kind) == [.unassigned, .unassigned, .unassigned])
        let steps = GatewayComparison.steps(for: drift, mapping: mapping)
        #expect(steps.map(\.action) == [.delete, .delete, .delete, .reload])
        let adapter = server.adapter()
        for step in steps { _ = try await adapter.perform(step, in: scope) }

        let left = try await adapter.policies(on: apis, in: scope)
        #expect(left.map(\.element) == ["headers"] && left.first?.managed == false, "\(left)")
        #expect(left.first?.fields == ["version_data.versions.Default.global_headers.X-Theirs": .string("kept")])
        let id = "clientele-prod-\(apis[0].remoteId)"
        #expect(try await server.tyk(.GET, "/tyk/policies/\(id)").0 == 404)
        let (_, definition) = try await server.tyk(.GET, "/tyk/apis/\(apis[0].remoteId)")
        #expect(definition[path: "CORS.enable"] == .bool(false))
        #expect(definition[path: "config_data.clientele.owns"] == .array([]))

        // A delete of what is already gone is done.
        for step in steps.dropLast() { _ = try await adapter.perform(step, in: scope) }
        _ = try await adapter.perform(.reload(), in: scope)
        #expect(try await adapter.policies(on: apis, in: scope).map(\.element) == ["headers"])
    }

    @Test func aValueTykRejectsIsOneLineNamingGatewayEnvironmentPolicyAndField() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00013"])
        let adapter = server.adapter()
        var allowlist = try #require(try mapping.desired([try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"])], on: apis, scope: scope).first)
        allowlist.fields["allowed_ips"] = .string("10.0.0.0/8")  // a list in Tyk's schema
        let step = GatewayStep(action: .create, apiId: apis[0].remoteId, apiName: apis[0].name, element: allowlist.element, desired: allowlist)
        let line = await errorLine { _ = try await adapter.perform(step, in: scope) }
        #expect(line.hasPrefix(
            "gateway tyk-test, environment Prod: Tyk refused ip-allowlist on API definition api-00013, field allowed_ips: "
                + "Validation of API Definition failed."), "\(line)")
        #expect(line.contains("client-request-id"))

        var policy = try #require(try mapping.desired([try assignment(.rateLimiting, ["requests=5"])], on: apis, scope: scope).first)
        policy.fields["rate"] = .string("ten")
        let policyStep = GatewayStep(action: .create, apiId: apis[0].remoteId, apiName: apis[0].name, element: "policy",
                                     desired: policy, changes: [GatewayFieldChange(path: "rate", theirs: nil, ours: .string("ten"))])
        let policyLine = await errorLine { _ = try await adapter.perform(policyStep, in: scope) }
        #expect(policyLine.hasPrefix(
            "gateway tyk-test, environment Prod: Tyk refused rate-limiting on policy clientele-prod-\(apis[0].remoteId), field rate: Request malformed"),
            "\(policyLine)")
        // Nothing was written.
        _ = try await adapter.perform(.reload(), in: scope)
        #expect(try await adapter.policies(on: apis, in: scope).isEmpty)
    }

    @Test func anUnknownAPIIsOneLine() async throws {
        let server = try currentTykServer()
        let ghost = RemoteAPI(remoteId: "0123456789abcdef0123456789abcdef", name: "ghost")
        let cors = try #require(try mapping.desired([try assignment(.cors, ["origins=*"])], on: [ghost], scope: scope).first)
        let step = GatewayStep(action: .create, apiId: ghost.remoteId, apiName: ghost.name, element: "CORS", desired: cors)
        let line = await errorLine { _ = try await server.adapter().perform(step, in: scope) }
        #expect(line == "gateway tyk-test, environment Prod: API ghost (\(ghost.remoteId)) has no API definition at the gateway; run gateway sync")
        var delete = step
        delete.action = .delete
        delete.current = cors
        #expect(try await server.adapter().perform(delete, in: scope) == nil)
    }

    @Test func aReloadThatDoesNotServeWhatWasWrittenIsOneLine() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00016"])
        let adapter = server.adapter()
        let steps = GatewayComparison.steps(
            for: try await differences(adapter, [try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"])], on: apis), mapping: mapping)
        #expect(steps.map(\.action) == [.create, .reload])
        _ = try await adapter.perform(steps[0], in: scope)
        // Someone else writes the same definition's file before the reload: theirs is what gets loaded.
        let (_, served) = try await server.tyk(.GET, "/tyk/apis/\(apis[0].remoteId)")
        #expect(try await server.tyk(.PUT, "/tyk/apis/\(apis[0].remoteId)", served).0 == 200)
        let line = await errorLine { _ = try await adapter.perform(steps[1], in: scope) }
        #expect(line.hasPrefix("gateway tyk-test: after the reload Tyk does not serve what Clientele wrote to API definition api-00016;"), "\(line)")
        // What is served is what the next plan starts from.
        let again = try await differences(adapter, [try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"])], on: apis)
        #expect(again.filter { $0.element == "ip-allowlist" }.map(\.kind) == [.missing], "\(again)")
    }

    @Test func writesRetryThrottlingAndUnavailability() async throws {
        let server = try currentTykServer()
        let apis = try await server.seededAPIs(["api-00015"])
        let sleeps = SleepLog()
        let adapter = server.adapter(sleeps: sleeps)
        try await server.fault(#"{"method":"PUT","path_regex":"^/tyk/apis/","status":503,"retry_after":1,"count":1}"#)
        try await server.fault(#"{"method":"POST","path_regex":"^/tyk/policies$","status":429,"retry_after":2,"count":1}"#)
        try await apply(adapter, [try assignment(.cors, ["origins=*"]), try assignment(.rateLimiting, ["requests=9"], position: 2)], on: apis)
        #expect(sleeps.recorded.sorted() == [1, 2])
        #expect(try await differences(server.adapter(), [try assignment(.cors, ["origins=*"]), try assignment(.rateLimiting, ["requests=9"], position: 2)], on: apis).isEmpty)
    }
}
