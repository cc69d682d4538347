import ClienteleCore
import Foundation
@testable import ClienteleTUI

/// A mapping of the tests' own for one kind, rate-limiting, as a plugin whose `config.*` fields are the policy's
/// pairs. The console's tests use it so they do not depend on which gateway's mapping is merged: the apply, drift
/// and adopt machinery under it (service, journal, lease, sandbox state file) is the real one.
struct RateLimitOnlyMapping: GatewayPolicyMapping {
    var kind: GatewayKind { .kong }

    func refusal(for policy: PolicyKind) -> String? { nil }

    func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws -> [GatewayPolicy] {
        apis.flatMap { api in
            assignments.filter { $0.policy == .rateLimiting }.map { assignment in
                var fields: [String: GatewayValue] = [:]
                for (key, value) in assignment.configuration.pairs(orderedBy: PolicyCatalog.schema(for: .rateLimiting)) {
                    fields["config.\(key)"] = .string(value)
                }
                return GatewayPolicy(apiId: api.remoteId, apiName: api.name, element: "rate-limiting", fields: fields,
                                     kind: .rateLimiting)
            }
        }
    }

    func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? {
        guard element.element == "rate-limiting" else { return nil }
        let pairs = element.fields.keys.sorted().compactMap { path -> String? in
            guard path.hasPrefix("config."), case .string(let value)? = element.fields[path] else { return nil }
            return "\(path.dropFirst("config.".count))=\(value)"
        }
        return AdoptedPolicy(kind: .rateLimiting, pairs: pairs)
    }

    func describe(_ element: GatewayPolicy) -> String { "test plugin \(element.element) on service \(element.apiName)" }
}

/// The sandbox gateway named `edge` for every gateway the runner asks about (only Staging is bound to one).
struct MappedSandboxAdapters: GatewayAdapters {
    let sandbox: SandboxGateway
    func adapter(for gateway: Gateway) throws -> any GatewayAdapter { sandbox }
}

/// A demo registry with one more environment, Staging, bound to a sandbox gateway named `edge` (with the tests'
/// mapping) that has one API, `billing`; the demo's own environments are unbound, so Staging is the only one the
/// Drift screen reads. Staging assigns rate-limiting requests=500 window=1m, so its plan is one create.
struct GatewayFixture {
    let demo: DemoFixture
    let sandbox: SandboxGateway
    var adapters: MappedSandboxAdapters { MappedSandboxAdapters(sandbox: sandbox) }
    static let environment = "Staging"

    static func make() async throws -> GatewayFixture {
        let demo = try await DemoFixture.make(clients: 5)
        let registry = demo.registry
        let stateFile = demo.directory + "/edge.gateway.sqlite"
        let sandbox = try SandboxGateway(stateFile: stateFile, mapping: RateLimitOnlyMapping(), create: true)
        try sandbox.seed(apis: [RemoteAPI(remoteId: "svc-billing", name: "billing")], environment: nil)
        _ = try registry.addGateway(
            Gateway(name: "edge", kind: .kong, settings: GatewaySettings(sandboxStateFile: stateFile),
                    credentialSource: .none, createdAt: DemoFixture.now),
            actor: "tester")
        for existing in try registry.environments() {
            try registry.bindEnvironment(named: existing.name, to: nil, gatewayEnvironment: nil, actor: "tester")
        }
        try registry.addEnvironment(name: environment, businessGroup: nil, gateway: .kong, boundTo: "edge",
                                    actor: "tester")
        _ = try registry.applyPolicyChange(
            PolicyChangeRequest(policy: .rateLimiting, environment: environment,
                                intent: .assign(pairs: ["requests=500", "window=1m"], position: nil)),
            actor: "tester")
        return GatewayFixture(demo: demo, sandbox: sandbox)
    }

    func driver(size: Size = Size(width: 100, height: 30), readonly: Bool = false) -> Driver {
        Driver(demo, size: size, readonly: readonly, gatewayAdapters: adapters)
    }

    /// What the sandbox holds on `billing` now.
    func elements() async throws -> [GatewayPolicy] {
        let scope = GatewayScope(gatewayName: "edge", environmentName: Self.environment, gatewayEnvironment: nil)
        return try await sandbox.policies(on: try await sandbox.apis(in: scope), in: scope)
    }

    func remove() { demo.remove() }
}
