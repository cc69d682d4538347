import Foundation

/// A Tyk OSS Gateway's API: classic API definitions in `/tyk/apis`, policies in `/tyk/policies`, writes made
/// effective by `/tyk/reload?block=true`. Steps for one API definition must run one after another (an apply runs
/// its steps in order): each reads the definition, changes its group and writes the whole of it back.
public struct TykGateway: GatewayAdapter {
    let gateway: Gateway
    let api: TykAdminAPI
    let pending = TykPendingWrites()

    public init(gateway: Gateway, credential: AdminCredential, http: PeerHTTPClient) {
        self.gateway = gateway
        let secret: SecretText?
        if case .secret(let text) = credential { secret = text } else { secret = nil }
        api = TykAdminAPI(gatewayName: gateway.name, baseURL: gateway.settings.url, secret: secret, http: http)
    }

    public var mapping: any GatewayPolicyMapping { TykPolicyMapping() }

    // MARK: - check

    public func check() async throws -> GatewayCheck {
        var report = GatewayCheck(reachable: false, credentialAccepted: false)
        do {
            let hello = try await api.send(.GET, "/hello", authorized: false, purpose: "asking /hello")
            report.reachable = true
            let version = (try? JSONDecoder().decode(GatewayValue.self, from: hello.body))?[path: "version"]?.stringValue
            report.version = version.map { $0.hasPrefix("v") ? String($0.dropFirst()) : $0 }
            if hello.status != 200 { report.problems.append("GET /hello answered HTTP \(hello.status): the gateway is not healthy") }
        } catch {
            report.problems.append("\(error); check the URL (\(gateway.endpoint)) is the gateway's control listener")
            return report
        }
        do {
            let apis = try await api.send(.GET, "/tyk/apis", purpose: "listing API definitions")
            guard apis.status != 403 else {
                report.problems.append(api.failure(apis, purpose: "listing API definitions").description)
                return report
            }
            report.credentialAccepted = apis.status == 200
            if apis.status == 200 {
                report.manageable.append(
                    "classic API definitions (each environment's org id): auth, JWT, IP allowlist, CORS, global headers")
            } else {
                report.problems.append(api.failure(apis, purpose: "listing API definitions").description)
            }
            let policies = try await api.send(.GET, "/tyk/policies", purpose: "listing policies")
            if policies.status == 200 {
                report.manageable.append("policies (policy_source file): rate-limiting, spike-control")
            } else if policies.status == 500, TykAdminAPI.message(policies)?.contains("service policy source") == true {
                report.problems.append(
                    "policies come from the Dashboard (policies.policy_source service), so rate-limiting and spike-control "
                        + "cannot be applied here; set policy_source to file with a policy_path in tyk.conf")
            } else {
                report.problems.append(api.failure(policies, purpose: "listing policies").description)
            }
        } catch {
            report.problems.append("\(error)")
        }
        return report
    }

    // MARK: - reading

    /// Every classic API definition the gateway has loaded, in one request (Tyk pages no list).
    func definitions() async throws -> [GatewayValue] {
        let listed = try await api.json(.GET, "/tyk/apis", purpose: "listing API definitions")
        guard let array = listed.arrayValue else {
            throw api.peer.failure("listing API definitions: the answer is not a list of API definitions")
        }
        return array
    }

    func policiesListed() async throws -> [GatewayValue] {
        let listed = try await api.json(.GET, "/tyk/policies", purpose: "listing policies")
        guard let array = listed.arrayValue else { throw api.peer.failure("listing policies: the answer is not a list of policies") }
        return array
    }

    static func remoteAPI(_ definition: GatewayValue) -> RemoteAPI? {
        guard let id = definition[path: "api_id"]?.stringValue, !id.isEmpty else { return nil }
        let name = definition[path: "name"]?.stringValue ?? id
        let path = definition[path: "proxy.listen_path"]?.stringValue
        return RemoteAPI(remoteId: id, name: name, detail: path.map { "listen path \($0)" } ?? "")
    }

    public func apis(in scope: GatewayScope) async throws -> [RemoteAPI] {
        try await definitions()
            .filter { scope.gatewayEnvironment == nil || $0[path: "org_id"]?.stringValue == scope.gatewayEnvironment }
            .compactMap(Self.remoteAPI)
            .sorted { ($0.name, $0.remoteId) < ($1.name, $1.remoteId) }
    }

    public func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        async let listedDefinitions = definitions()
        async let listedPolicies = policiesListed()
        let served = try await listedDefinitions
        let policies = try await listedPolicies
        let observation = TykObservation(scope: scope)
        let written = pending.snapshot()
        let byId = Dictionary(served.compactMap { d in d[path: "api_id"]?.stringValue.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
        var elements: [GatewayPolicy] = []
        for remote in apis {
            guard let definition = byId[remote.remoteId] else { continue }
            let loaded = observation.definitionElements(definition, api: remote)
            if let text = written.definitions[remote.remoteId] {
                elements += TykObservation.merge(written: observation.definitionElements(text, api: remote), served: loaded)
            } else {
                elements += loaded
            }
        }
        let servedPolicies = observation.policyElements(policies, apis: apis)
        if written.policies.isEmpty { return elements + servedPolicies }
        // Policies written since the last reload stand in for what is served under the same id.
        let writtenPolicies = policies.filter { written.policies[$0[path: "id"]?.stringValue ?? ""] == nil }
            + written.policies.values.filter { $0 != .null }
        let asWritten = observation.policyElements(writtenPolicies, apis: apis)
        let touched = Set(written.policies.keys)
        let mine = { (element: GatewayPolicy) in touched.contains(element.remoteId ?? "") }
        elements += servedPolicies.filter { !mine($0) }
        elements += TykObservation.merge(written: asWritten.filter(mine), served: servedPolicies.filter(mine))
        return elements
    }

    // MARK: - writing

    public func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        switch step.action {
        case .reload:
            try await reload(scope: scope)
            return nil
        case .reorder:
            throw ClienteleError.gateway("gateway \(gateway.name): Tyk does not order policies; there is nothing to reorder")
        case .create, .update, .delete:
            let writer = TykWriter(api: api, pending: pending, scope: scope)
            if step.element == TykElement.policy.rawValue { return try await writer.writePolicy(step) }
            guard let group = TykElement(rawValue: step.element), TykElement.definitionGroups.contains(group) else {
                throw ClienteleError.gateway(
                    "gateway \(gateway.name), environment \(scope.environmentName): Clientele does not write Tyk's \(step.element) on API \(step.apiName)")
            }
            return try await writer.writeDefinition(step, group: group)
        }
    }

    /// Reloads and then reads back what this process wrote: a reload that did not make it served is one line, not
    /// a silent success.
    func reload(scope: GatewayScope) async throws {
        let written = pending.snapshot()
        let answer = try await api.json(.GET, "/tyk/reload?block=true", purpose: "reloading the gateway")
        guard answer[path: "status"]?.stringValue == "ok" else {
            throw api.peer.failure("reloading the gateway: Tyk did not answer ok (\(answer))")
        }
        guard !written.isEmpty else { return }
        defer { pending.loaded(written) }
        let observation = TykObservation(scope: scope)
        var stale: [String] = []
        if !written.definitions.isEmpty {
            let served = Dictionary(try await definitions().compactMap { d in d[path: "api_id"]?.stringValue.map { ($0, d) } },
                                    uniquingKeysWith: { a, _ in a })
            for (id, text) in written.definitions.sorted(by: { $0.key < $1.key }) {
                guard let remote = Self.remoteAPI(text) else { continue }
                let wanted = observation.definitionElements(text, api: remote)
                let now = served[id].map { observation.definitionElements($0, api: remote) } ?? []
                if wanted != now { stale.append("API definition \(remote.name)") }
            }
        }
        if !written.policies.isEmpty {
            let served = Dictionary(try await policiesListed().compactMap { p in p[path: "id"]?.stringValue.map { ($0, p) } },
                                    uniquingKeysWith: { a, _ in a })
            for (id, text) in written.policies.sorted(by: { $0.key < $1.key }) {
                let gone = text == .null
                if gone != (served[id] == nil) || (!gone && !Self.sameWrittenFields(text, served[id])) {
                    stale.append("policy \(id)")
                }
            }
        }
        if !stale.isEmpty {
            throw api.peer.failure(
                "after the reload Tyk does not serve what Clientele wrote to \(stale.prefix(3).joined(separator: ", "))"
                    + "\(stale.count > 3 ? " and \(stale.count - 3) more" : ""); another writer, or a file Tyk could not load? Run policy apply again")
        }
    }

    /// Whether every leaf Clientele wrote is served as written (Tyk adds defaults beside them).
    static func sameWrittenFields(_ written: GatewayValue, _ served: GatewayValue?) -> Bool {
        guard let served else { return false }
        let held = served.flattened()
        return written.flattened().allSatisfy { path, value in
            held[path] == value || (value == .array([]) && held[path] == nil)
                || (held[path].map { GatewayComparison.sameValue(value, $0) } ?? false)
        }
    }
}
