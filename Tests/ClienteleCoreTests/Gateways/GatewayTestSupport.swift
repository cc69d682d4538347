import Foundation
import Testing
import Synchronization
@testable import ClienteleCore

/// A mapping with no gateway's quirks: each kind is one element named after it, each configuration key one
/// `config.<key>` field. It lets the enforcement service be tested apart from any real gateway's translation.
struct PlainMapping: GatewayPolicyMapping {
    var kind: GatewayKind = .tyk
    var ordersPolicies = false

    func refusal(for policy: PolicyKind) -> String? { nil }

    func desired(_ assignments: [PolicyAssignment], on apis: [RemoteAPI], scope: GatewayScope) throws -> [GatewayPolicy] {
        apis.flatMap { api in
            assignments.filter { $0.api.isEmpty || $0.api == api.name }.enumerated().map { index, assignment in
                GatewayPolicy(
                    apiId: api.remoteId, apiName: api.name, element: assignment.policy.rawValue,
                    fields: Dictionary(uniqueKeysWithValues: assignment.configuration.values.map {
                        ("config.\($0.key)", GatewayValue.string($0.value.description))
                    }),
                    order: index + 1, kind: assignment.policy)
            }
        }
    }

    func adopt(_ element: GatewayPolicy) -> AdoptedPolicy? {
        guard let kind = PolicyKind(rawValue: element.element) else { return nil }
        return AdoptedPolicy(kind: kind, pairs: element.fields.sorted { $0.key < $1.key }.compactMap { path, value in
            guard path.hasPrefix("config."), let text = value.stringValue else { return nil }
            return "\(path.dropFirst(7))=\(text)"
        })
    }

    func describe(_ element: GatewayPolicy) -> String { "\(element.element) on \(element.apiName)" }

    func finishingSteps(after writes: [GatewayStep]) -> [GatewayStep] { [] }
}

/// Counts what reaches the gateway, and can fail a chosen call: before it is sent, or after it took effect
/// (a process dying between the gateway's answer and the registry's record).
final class RecordingGateway: GatewayAdapter {
    enum Failure: Sendable { case before, after }
    let inner: SandboxGateway
    private let state = Mutex<(performed: [GatewayStep], failAt: Int?, failure: Failure)>(([], nil, .before))

    init(_ inner: SandboxGateway) { self.inner = inner }

    var mapping: any GatewayPolicyMapping { inner.mapping }
    var performed: [GatewayStep] { state.withLock { $0.performed } }

    func failing(call number: Int?, _ failure: Failure = .before) {
        state.withLock { $0.failAt = number; $0.failure = failure }
    }

    func check() async throws -> GatewayCheck { try await inner.check() }
    func apis(in scope: GatewayScope) async throws -> [RemoteAPI] { try await inner.apis(in: scope) }
    func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        try await inner.policies(on: apis, in: scope)
    }

    func clientApps() async throws -> [RemoteGatewayApp] { try await inner.clientApps() }
    func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        try await inner.secretCopy(of: app, clientId: clientId)
    }
    func credentialHolder() -> any IdentityProviderAdapter { inner.credentialHolder() }

    func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        let (call, failAt, failure) = state.withLock { ($0.performed.count + 1, $0.failAt, $0.failure) }
        if call == failAt, failure == .before { throw ClienteleError.gateway("gateway test: connection refused") }
        let result = try await inner.perform(step, in: scope)
        state.withLock { $0.performed.append(step) }
        if call == failAt, failure == .after { throw ClienteleError.gateway("gateway test: the answer was cut short") }
        return result
    }
}

struct FixedGateways: GatewayAdapters {
    let adapter: RecordingGateway
    func adapter(for gateway: Gateway) throws -> any GatewayAdapter { adapter }
}

/// A registry with one environment, Prod, bound to a sandbox gateway holding `apis` APIs.
final class GatewayFixture {
    let test: TestRegistry
    let gateway: RecordingGateway
    let sandbox: SandboxGateway
    let service: GatewayPolicyService

    init(apis: Int = 3, mapping: any GatewayPolicyMapping = PlainMapping(), leaseSeconds: Double = 120) throws {
        test = try TestRegistry()
        let file = test.tempFile("gateway.sqlite")
        sandbox = try SandboxGateway(stateFile: file, mapping: mapping, create: true)
        try sandbox.seed(apis: (1...apis).map { RemoteAPI(remoteId: "api-\($0)", name: "api\($0)") }, environment: "prod")
        gateway = RecordingGateway(sandbox)
        try test.registry.addGateway(
            Gateway(name: "gw", kind: mapping.kind, settings: GatewaySettings(sandboxStateFile: file),
                    credentialSource: .none, createdAt: test.clock.now),
            actor: "tests")
        try test.registry.addEnvironment(
            name: "Prod", businessGroup: nil, gateway: .none, boundTo: "gw", gatewayEnvironment: "prod", actor: "tests")
        service = GatewayPolicyService(
            registry: test.registry, gateways: FixedGateways(adapter: gateway),
            leaseTerm: LeaseTerm(duration: leaseSeconds))
    }

    var registry: Registry { test.registry }

    func matrix() throws -> PolicyMatrix {
        let mapping = gateway.mapping
        return try registry.policyMatrix(mappings: { _ in mapping })
    }

    func assign(_ kind: PolicyKind, api: String? = nil, _ pairs: [String]) throws {
        try registry.applyPolicyChange(
            PolicyChangeRequest(policy: kind, environment: "Prod", api: api, intent: .assign(pairs: pairs, position: nil)),
            actor: "tests")
    }

    func actions(_ name: String) throws -> Int {
        try registry.auditEvents(mentioning: "", limit: 10_000).filter { $0.action == name }.count
    }
}

/// An assignment in environment 1 whose configuration the catalog has validated, for the mappings' tests.
func validatedAssignment(_ kind: PolicyKind, _ pairs: [String], api: String = "", position: Int = 1) throws
    -> PolicyAssignment
{
    PolicyAssignment(
        environmentId: 1, policy: kind, api: api,
        configuration: try PolicyCatalog.schema(for: kind).validate(pairs: pairs), position: position,
        createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
}

/// The one element `mapping` makes of `assignment` on `api`.
func onlyElement(
    of mapping: any GatewayPolicyMapping, for assignment: PolicyAssignment, on api: RemoteAPI, scope: GatewayScope
) throws -> GatewayPolicy {
    let elements = try mapping.desired([assignment], on: [api], scope: scope)
    try #require(elements.count == 1)
    return elements[0]
}
