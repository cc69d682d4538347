import ClienteleCore
import Foundation
import Testing

/// The Anypoint adapter against the Anypoint test server (2,500 API instances in each of Sandbox and Prod): check,
/// paging, apply until nothing differs, drift made behind Clientele's back, deletes, rejections, retries. Every
/// answer the server gives is checked against MuleSoft's OpenAPI fragments (`expectConformingResponses`).
/// Serialized: faults and list shapes apply to whichever request comes next. Each test works on its own instances.
@Suite(.serialized, .anypointServer("--apis", "2500", "--seed", "clientele-anypoint"))
struct AnypointGatewayTests {
    let mapping = AnypointPolicyMapping()

    func assignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int) throws -> PolicyAssignment {
        PolicyAssignment(
            environmentId: 1, policy: kind, api: api,
            configuration: try PolicyCatalog.schema(for: kind).validate(pairs: pairs), position: position,
            createdAt: Date(), updatedAt: Date())
    }

    /// Applies what the registry wants on `apis` as `policy apply` would, and returns the differences left after.
    @discardableResult
    func apply(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], adapter: AnypointGateway,
               scope: GatewayScope) async throws -> [GatewayDifference]
    {
        let desired = try mapping.desired(assignments, on: apis, scope: scope)
        let observed = try await adapter.policies(on: apis, in: scope)
        let differences = GatewayComparison.differences(desired: desired, observed: observed, ordersPolicies: true)
        for step in GatewayComparison.steps(for: differences, mapping: mapping) {
            _ = try await adapter.perform(step, in: scope)
        }
        let after = try await adapter.policies(on: apis, in: scope)
        return GatewayComparison.differences(desired: desired, observed: after, ordersPolicies: true)
    }

    @Test func checkReportsTheOrganizationsEnvironments() async throws {
        let server = try currentAnypointServer()
        let check = try await server.adapter().check()
        #expect(check.isHealthy, "\(check.problems)")
        #expect(check.reachable && check.credentialAccepted && check.version == "API Manager v1")
        let sandbox = try #require(server.environments["Sandbox"])
        let prod = try #require(server.environments["Prod"])
        #expect(check.manageable == ["policies on API instances of environments Sandbox (\(sandbox)), Prod (\(prod))"])
        try await server.expectConformingResponses()
    }

    @Test func theStandardAdaptersMakeItWithTheSecretFromItsFile() async throws {
        let server = try currentAnypointServer()
        var gateway = server.gateway()
        gateway.id = 1
        gateway.credentialSource = .file(server.filesDirectory + "/connected-app-client-secret")
        let adapter = try StandardGatewayAdapters(registryPath: "/nonexistent", clock: .wall).adapter(for: gateway)
        #expect(adapter.mapping.kind == .anypoint && adapter.mapping.ordersPolicies)
        #expect(try await adapter.check().isHealthy)
        var unset = gateway
        unset.id = 2
        unset.credentialSource = .none
        let check = try await StandardGatewayAdapters(registryPath: "/nonexistent", clock: .wall).adapter(for: unset).check()
        #expect(!check.reachable && !check.credentialAccepted)
        #expect(check.problems == ["gateway anypoint-test: no secret is configured for connected app \(server.clientId) "
            + "(--secret-env, --secret-file or --secret-command)"])
        try await server.expectConformingResponses()
    }

    @Test func aWrongSecretIsACredentialProblemAndNeverShown() async throws {
        let server = try currentAnypointServer()
        let wrong = "wrong-" + server.clientSecret
        let check = try await server.adapter(secret: wrong).check()
        #expect(check.reachable && !check.credentialAccepted)
        #expect(check.problems == [
            "gateway anypoint-test: connected app \(server.clientId) was refused at the token endpoint (HTTP 401: "
                + "Invalid client credentials); check its client id and secret, and that it acts on its own behalf (client credentials)",
        ])
        let line = await errorLine { _ = try await server.adapter(secret: wrong).apis(in: server.scope()) }
        #expect(line.hasPrefix("gateway anypoint-test: connected app \(server.clientId) was refused"), "\(line)")
        #expect(!line.contains(wrong) && !check.problems.joined().contains(server.clientSecret))
        try await server.expectConformingResponses()
    }

    @Test func anotherOrganizationIsNamed() async throws {
        let server = try currentAnypointServer()
        let check = try await server.adapter(organizationId: "0b5e7c52-0000-4000-8000-000000000000").check()
        #expect(check.credentialAccepted && !check.isHealthy)
        #expect(check.problems == [
            "gateway anypoint-test: connected app \(server.clientId) belongs to organization \(server.organizationId), "
                + "not 0b5e7c52-0000-4000-8000-000000000000; set the gateway's organization to \(server.organizationId)",
        ])
        try await server.expectConformingResponses()
    }

    @Test func anUnreachableHostIsAProblemNotAThrow() async throws {
        let server = try currentAnypointServer()
        let port = try closedLoopbackPort()
        let check = try await server.adapter(url: "http://127.0.0.1:\(port)").check()
        #expect(!check.reachable && !check.credentialAccepted)
        #expect(check.problems.count == 1)
        #expect(check.problems.first?.hasPrefix(
            "gateway anypoint-test: getting a token for connected app \(server.clientId) failed: cannot connect to 127.0.0.1 (connection refused)")
            == true, "\(check.problems)")
    }

    @Test func apisPagesThroughAllInstances() async throws {
        let server = try currentAnypointServer()
        try await server.resetContract()
        let apis = try await server.adapter().apis(in: server.scope("Sandbox"))
        #expect(apis.count == 2500)
        #expect(Set(apis.map(\.remoteId)).count == 2500)
        #expect(apis.first?.name == "sandbox-00001" && apis.last?.name == "sandbox-02500")
        #expect(apis.first?.detail.hasPrefix("api-00001 1.0.") == true, "\(apis.first?.detail ?? "")")
        // One token and ten pages of 250, each answer checked against the fragment.
        #expect(try await server.contract().checked == 11)
        let prod = try await server.apis("Prod")
        #expect(prod.count == 2500 && Set(prod.map(\.remoteId)).isDisjoint(with: apis.map(\.remoteId)))
        try await server.expectConformingResponses()
    }

    @Test func anEnvironmentWithoutAnAnypointIdIsOneLine() async throws {
        let server = try currentAnypointServer()
        let scope = GatewayScope(gatewayName: "anypoint-test", environmentName: "QA", gatewayEnvironment: nil)
        let line = await errorLine { _ = try await server.adapter().apis(in: scope) }
        #expect(line == "gateway anypoint-test: environment QA has no Anypoint environment id; run env set QA "
            + "--gateway-environment ID (gateway check anypoint-test lists them)")
        let unknown = GatewayScope(gatewayName: "anypoint-test", environmentName: "QA", gatewayEnvironment: "nope")
        let notFound = await errorLine { _ = try await server.adapter().apis(in: unknown) }
        #expect(notFound.contains("listing API instances of environment QA (nope): HTTP 404: Environment nope not found; is nope an environment id"),
                "\(notFound)")
        try await server.expectConformingResponses()
    }

    @Test func applyMakesTheGatewayMatchThenReordersAndReconfigures() async throws {
        let server = try currentAnypointServer()
        let apis = Array(try await server.apis().prefix(3))
        let adapter = server.adapter()
        let scope = server.scope()
        var assignments = [
            try assignment(.rateLimiting, ["requests=100", "window=1m"], position: 1),
            try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], api: apis[1].name, position: 2),
            try assignment(.cors, ["origins=https://app.example", "methods=GET,PUT"], position: 3),
            try assignment(.headerInjection, ["headers=X-Env:prod"], api: apis[2].name, position: 4),
            try assignment(.clientIdEnforcement, ["credentials=header"], position: 5),
            try assignment(.jwtValidation, ["jwks-url=https://idp.example/jwks", "issuer=https://idp.example"],
                           api: apis[0].name, position: 6),
            try assignment(.spikeControl, ["requests=50", "window=2s"], api: apis[2].name, position: 7),
        ]
        #expect(try await apply(assignments, on: apis, adapter: adapter, scope: scope).isEmpty)
        let observed = try await adapter.policies(on: apis, in: scope)
        #expect(observed.filter { $0.apiId == apis[0].remoteId }.map(\.element)
            == ["rate-limiting", "cors", "client-id-enforcement", "jwt-validation"])
        #expect(observed.filter { $0.apiId == apis[2].remoteId }.map(\.element)
            == ["rate-limiting", "cors", "header-injection", "client-id-enforcement", "spike-control"])
        #expect(observed.allSatisfy { $0.managed && $0.kind != nil && $0.remoteId != nil })

        // Client id enforcement first, a new limit: one update per API and one reorder per API, then nothing.
        assignments[4].position = 0
        assignments[0] = try assignment(.rateLimiting, ["requests=200", "window=1m"], position: 1)
        let desired = try mapping.desired(assignments, on: apis, scope: scope)
        let differences = GatewayComparison.differences(desired: desired, observed: observed, ordersPolicies: true)
        #expect(differences.filter { $0.kind == .configured }.count == 3)
        #expect(differences.filter { $0.kind == .ordered }.map(\.apiId) == apis.map(\.remoteId))
        #expect(try await apply(assignments, on: apis, adapter: adapter, scope: scope).isEmpty)
        let reordered = try await adapter.policies(on: [apis[1]], in: scope)
        #expect(reordered.map(\.element) == ["client-id-enforcement", "rate-limiting", "ip-allowlist", "cors"])
        #expect(reordered.map(\.order) == [1, 2, 3, 4])
        #expect(reordered[1].fields["rateLimits[0].maximumRequests"] == .int(200))
        try await server.expectConformingResponses()
    }

    @Test func aChangeBehindClienteleBackIsOneConfiguredDifference() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[10]
        let adapter = server.adapter()
        let scope = server.scope()
        let assignments = [try assignment(.rateLimiting, ["requests=100", "window=1m"], position: 1),
                           try assignment(.headerInjection, ["headers=X-Env:prod"], position: 2)]
        #expect(try await apply(assignments, on: [api], adapter: adapter, scope: scope).isEmpty)
        let limit = try #require(try await adapter.policies(on: [api], in: scope).first { $0.element == "rate-limiting" })
        let policyId = try #require(limit.remoteId)

        // In the portal: the limit raised to 150 (and a default the gateway keeps, which is not drift).
        let (status, _) = try await server.direct(
            .PATCH, server.policiesURL("Prod", api: api.remoteId) + "/\(policyId)",
            json: ##"{"configurationData": {"rateLimits": [{"maximumRequests": 150, "timePeriodInMilliseconds": 60000}], "keySelector": "#[attributes.headers['client_id']]", "clusterizable": true}}"##)
        #expect(status == 200)
        let desired = try mapping.desired(assignments, on: [api], scope: scope)
        let drift = GatewayComparison.differences(
            desired: desired, observed: try await adapter.policies(on: [api], in: scope), ordersPolicies: true)
        #expect(drift.count == 1)
        #expect(drift.first?.kind == .configured && drift.first?.element == "rate-limiting")
        #expect(drift.first?.changes == [
            GatewayFieldChange(path: "rateLimits[0].maximumRequests", theirs: .int(150), ours: .int(100)),
        ])
        #expect(mapping.describe(try #require(drift.first?.theirs)) == "Anypoint rate-limiting 1.4.1 on API instance \(api.remoteId)")
        // Pushing the registry's view puts 100 back and keeps the gateway's own setting.
        #expect(try await apply(assignments, on: [api], adapter: adapter, scope: scope).isEmpty)
        let (_, body) = try await server.direct(.GET, server.policiesURL("Prod", api: api.remoteId) + "/\(policyId)")
        let held = try #require((body as? [[String: Any]])?.first?["configurationData"] as? [String: Any])
        #expect(held["clusterizable"] as? Bool == true)
        try await server.expectConformingResponses()
    }

    @Test func aPolicyClickedInByHandIsUnassignedAndClienteleManagesIt() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[20]
        let adapter = server.adapter()
        let scope = server.scope()
        let assignments = [try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], position: 1)]
        #expect(try await apply(assignments, on: [api], adapter: adapter, scope: scope).isEmpty)
        let (status, _) = try await server.direct(
            .POST, server.policiesURL("Prod", api: api.remoteId),
            json: #"{"groupId": "68ef9520-24e9-4cf2-b2f5-620025690913", "assetId": "message-logging", "assetVersion": "2.0.2", "configurationData": {"loggingConfiguration": []}, "pointcutData": null}"#)
        #expect(status == 201)
        let desired = try mapping.desired(assignments, on: [api], scope: scope)
        let drift = GatewayComparison.differences(
            desired: desired, observed: try await adapter.policies(on: [api], in: scope), ordersPolicies: true)
        #expect(drift.map(\.kind) == [.unassigned])
        let extra = try #require(drift.first?.theirs)
        #expect(extra.element == "message-logging" && extra.kind == nil && mapping.adopt(extra) == nil)
        // Every policy on an instance of the bound environment is Clientele's (issue 10), so an apply removes it.
        #expect(extra.managed)
        #expect(GatewayComparison.steps(for: drift, mapping: mapping).map(\.action) == [.delete])
        #expect(try await apply(assignments, on: [api], adapter: adapter, scope: scope).isEmpty)
        try await server.expectConformingResponses()
    }

    @Test func unassigningDeletesAndADeleteOfWhatIsGoneIsDone() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[30]
        let adapter = server.adapter()
        let scope = server.scope()
        #expect(try await apply([try assignment(.cors, ["origins=*"], position: 1),
                                 try assignment(.rateLimiting, ["requests=5"], position: 2)],
                                on: [api], adapter: adapter, scope: scope).isEmpty)
        let remaining = [try assignment(.rateLimiting, ["requests=5"], position: 1)]
        let before = try await adapter.policies(on: [api], in: scope)
        let steps = GatewayComparison.steps(
            for: GatewayComparison.differences(
                desired: try mapping.desired(remaining, on: [api], scope: scope), observed: before,
                ordersPolicies: true),
            mapping: mapping)
        #expect(steps.map(\.action) == [.delete])
        let delete = try #require(steps.first)
        #expect(try await adapter.perform(delete, in: scope) == nil)
        #expect(try await adapter.policies(on: [api], in: scope).map(\.element) == ["rate-limiting"])
        #expect(try await adapter.perform(delete, in: scope) == nil)  // again: already gone
        try await server.expectConformingResponses()
    }

    @Test func aCreateThatAlreadyHappenedBecomesAnUpdate() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[40]
        let adapter = server.adapter()
        let scope = server.scope()
        let first = try mapping.desired([try assignment(.rateLimiting, ["requests=5"], position: 1)], on: [api], scope: scope)
        let create = GatewayStep(action: .create, apiId: api.remoteId, apiName: api.name, element: "rate-limiting",
                                 desired: first[0])
        let written = try #require(try await adapter.perform(create, in: scope))
        #expect(written.remoteId != nil && written.fields["rateLimits[0].maximumRequests"] == .int(5))
        var again = create
        again.desired?.fields["rateLimits[0].maximumRequests"] = .int(6)
        let rewritten = try #require(try await adapter.perform(again, in: scope))
        #expect(rewritten.remoteId == written.remoteId && rewritten.fields["rateLimits[0].maximumRequests"] == .int(6))
        #expect(try await adapter.policies(on: [api], in: scope).count == 1)
        try await server.expectConformingResponses()
    }

    @Test func aRejectedConfigurationNamesGatewayEnvironmentPolicyAndField() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[50]
        let adapter = server.adapter()
        let scope = server.scope()
        var element = try mapping.desired([try assignment(.spikeControl, ["requests=5", "window=5s"], position: 1)],
                                          on: [api], scope: scope)[0]
        element.fields["timePeriodInMilliseconds"] = .int(9000)  // what an older mapping might have sent
        let step = GatewayStep(action: .create, apiId: api.remoteId, apiName: api.name, element: element.element,
                               desired: element)
        let line = await errorLine { _ = try await adapter.perform(step, in: scope) }
        #expect(line.hasPrefix(
            "gateway anypoint-test: environment Prod: spike-control (Anypoint spike-control 1.2.2 on API instance \(api.remoteId)) "
                + "was rejected, field timePeriodInMilliseconds: configurationData.timePeriodInMilliseconds must be at most 5000 (HTTP 400"),
            "\(line)")
        #expect(try await adapter.policies(on: [api], in: scope).isEmpty)
        try await server.expectConformingResponses()
    }

    @Test func throttlingAndOutagesAreRetriedAfterRetryAfter() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[60]
        let sleeps = AnypointSleepLog()
        let adapter = server.adapter(sleeps: sleeps)
        let scope = server.scope()
        try await server.fault(#"{"status": 429, "retry_after": 2, "count": 2, "method": "GET", "path_regex": "/policies$"}"#)
        #expect(try await adapter.policies(on: [api], in: scope).isEmpty)
        #expect(sleeps.recorded == [2, 2])
        try await server.fault(#"{"status": 503, "retry_after": 1, "count": 1, "method": "POST", "path_regex": "/policies$"}"#)
        #expect(try await apply([try assignment(.rateLimiting, ["requests=5"], position: 1)], on: [api], adapter: adapter,
                                scope: scope).isEmpty)
        #expect(sleeps.recorded == [2, 2, 1])
        try await server.fault(#"{"status": 503, "retry_after": 1, "count": 4, "method": "GET", "path_regex": "/policies$"}"#)
        let line = await errorLine { _ = try await adapter.policies(on: [api], in: scope) }
        #expect(line.hasPrefix("gateway anypoint-test: listing policies of API instance \(api.remoteId) in environment Prod "
            + "was unavailable (HTTP 503) after 4 attempts"), "\(line)")
        try await server.clearFaults()
        try await server.expectConformingResponses()
    }

    @Test func aRevokedTokenIsReplacedOnce() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[70]
        let adapter = server.adapter()
        let scope = server.scope()
        #expect(try await adapter.policies(on: [api], in: scope).isEmpty)
        try await server.controlCall(.POST, "/revoke-tokens")
        try await server.resetContract()
        #expect(try await adapter.policies(on: [api], in: scope).isEmpty)
        // The refused call, a fresh token, the call again.
        let report = try await server.contract()
        #expect(report.checked == 3 && report.violations.isEmpty, "\(report)")
        try await server.expectConformingResponses()
    }

    @Test func everyListShapeReadsTheSame() async throws {
        let server = try currentAnypointServer()
        let api = try await server.apis()[80]
        let adapter = server.adapter()
        let scope = server.scope()
        #expect(try await apply([try assignment(.rateLimiting, ["requests=5"], position: 1),
                                 try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], position: 2)],
                                on: [api], adapter: adapter, scope: scope).isEmpty)
        let array = try await adapter.policies(on: [api], in: scope)
        try await server.expectConformingResponses()
        for shape in ["envelope", "compact"] {
            try await server.listShape(shape)
            #expect(try await adapter.policies(on: [api], in: scope) == array, "\(shape)")
        }
        try await server.listShape("array")
        // The envelope is anypoint-sdk's shape, not the fragment's: the server's own check says so.
        let report = try await server.contract()
        #expect(report.checked == 2 && report.violations.count >= 1, "\(report)")
        try await server.resetContract()
    }

    @Test func anypointSDKReadsBackWhatClienteleWrote() async throws {
        let server = try currentAnypointServer()
        let apis = Array(try await server.apis("Sandbox")[90..<92])
        let adapter = server.adapter()
        let scope = server.scope("Sandbox")
        #expect(try await apply([try assignment(.rateLimiting, ["requests=100", "window=1m"], position: 1),
                                 try assignment(.ipAllowlist, ["cidrs=10.0.0.0/8"], position: 2)],
                                on: apis, adapter: adapter, scope: scope).isEmpty)
        let written = try await adapter.policies(on: apis, in: scope)
        try await server.expectConformingResponses()
        let read = try await server.sdkReadBack("Sandbox", apis: apis.map(\.remoteId))
        for api in apis {
            let policies = try #require(read[api.remoteId])
            #expect(policies.map { $0["assetId"] as? String } == ["rate-limiting", "ip-allowlist"])
            #expect(policies.map { $0["assetVersion"] as? String } == ["1.4.1", "1.1.2"])
            #expect(policies.map { $0["order"] as? Int } == [1, 2])
            #expect(policies.map { ($0["policyId"] as? Int).map(String.init) }
                == written.filter { $0.apiId == api.remoteId }.map(\.remoteId))
            let limits = (policies.first?["configuration"] as? [String: Any])?["rateLimits"] as? [[String: Any]]
            #expect(limits?.first?["maximumRequests"] as? Int == 100)
            #expect(limits?.first?["timePeriodInMilliseconds"] as? Int == 60000)
            #expect((policies.last?["configuration"] as? [String: Any])?["ips"] as? [String] == ["10.0.0.0/8"])
        }
    }
}
