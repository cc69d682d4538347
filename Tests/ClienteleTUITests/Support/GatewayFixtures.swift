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

/// The real sandbox gateway, read and written through the tests' mapping.
struct MappedSandbox: GatewayAdapter {
    let sandbox: SandboxGateway
    var mapping: any GatewayPolicyMapping { RateLimitOnlyMapping() }

    func check() async throws -> GatewayCheck { try await sandbox.check() }
    func apis(in scope: GatewayScope) async throws -> [RemoteAPI] { try await sandbox.apis(in: scope) }
    func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        try await sandbox.policies(on: apis, in: scope).map { element in
            var element = element
            element.kind = mapping.adopt(element)?.kind
            return element
        }
    }
    func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        try await sandbox.perform(step, in: scope)
    }
}

struct MappedSandboxAdapters: GatewayAdapters {
    let adapter: MappedSandbox
    func adapter(for gateway: Gateway) throws -> any GatewayAdapter { adapter }
}

/// A demo registry whose Test environment is bound to a sandbox gateway named `edge` with one API, `billing`.
/// Test assigns rate-limiting requests=500 window=1m, so its plan is one create.
struct GatewayFixture {
    let demo: DemoFixture
    let sandbox: SandboxGateway
    var adapters: MappedSandboxAdapters { MappedSandboxAdapters(adapter: MappedSandbox(sandbox: sandbox)) }
    static let environment = "Test"

    static func make() async throws -> GatewayFixture {
        let demo = try await DemoFixture.make(clients: 5)
        let stateFile = demo.directory + "/edge.gateway.sqlite"
        let sandbox = try SandboxGateway(stateFile: stateFile, imitating: .kong, create: true)
        try sandbox.seed(apis: [RemoteAPI(remoteId: "svc-billing", name: "billing")], environment: nil)
        _ = try demo.registry.addGateway(
            Gateway(name: "edge", kind: .kong, settings: GatewaySettings(sandboxStateFile: stateFile),
                    credentialSource: .none, createdAt: DemoFixture.now),
            actor: "tester")
        try demo.registry.bindEnvironment(named: environment, to: "edge", gatewayEnvironment: nil, actor: "tester")
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
