import Foundation
import Logging

/// Makes the registry's policy assignments real at each environment's gateway, and says where the two differ.
/// `inspect` reads one environment; `drift` reads many; `apply` carries out the plan as a recorded, resumable
/// operation fenced by a lease (`PolicyApply`); `sync` imports the gateway's APIs and (with adopt) takes the
/// gateway's view into the registry. The service talks to gateways only through `GatewayAdapter`, and to storage
/// only through the registry's named operations.
public final class GatewayPolicyService: Sendable {
    let registry: Registry
    let gateways: any GatewayAdapters
    let leaseTerm: LeaseTerm
    /// Random: the token that fences this service's writes, as for rotations.
    let leaseOwner: String
    let logger: Logger
    /// Whether reading a gateway records what it runs (its APIs, the observation the matrix shows). A read-only
    /// console reads without writing anything.
    let recordsReads: Bool

    public init(registry: Registry, gateways: any GatewayAdapters, leaseTerm: LeaseTerm = .process,
                recordsReads: Bool = true, logger: Logger = Logger(label: "clientele.gateway"))
    {
        self.registry = registry
        self.gateways = gateways
        self.leaseTerm = leaseTerm
        self.leaseOwner = UUID().uuidString
        self.recordsReads = recordsReads
        self.logger = logger
    }

    /// Reads an environment's gateway (APIs, then what runs on them), records both, and compares them with the
    /// registry's assignments.
    public func inspect(environment name: String, actor: String = "clientele") async throws -> GatewayInspection {
        let environment = try registry.environment(named: name)
        let gateway = try registry.boundGateway(of: environment)
        let adapter = try gateways.adapter(for: gateway)
        let scope = registry.scope(of: environment, at: gateway)
        do {
            let apis = try await adapter.apis(in: scope)
            let observed = try await adapter.policies(on: apis, in: scope)
            if recordsReads { try registry.recordAPIs(apis, for: environment, at: gateway, actor: actor) }
            var inspection = try GatewayInspection.make(
                environment: environment, gateway: gateway, scope: scope, apis: apis,
                assignments: try registry.assignments(in: environment.name), observed: observed,
                mapping: adapter.mapping)
            if let open = try registry.openPolicyApply(environmentId: environment.id!) {
                inspection.markNotLoaded(writtenBy: open)
                inspection.unfinishedApply = open.id
            }
            if recordsReads {
                try registry.recordObservation(GatewayObservation(
                    environmentId: environment.id!, gatewayId: gateway.id!, observedAt: registry.clock.now,
                    elements: observed, apiCount: apis.count))
            }
            return inspection
        } catch let error as ClienteleError {
            guard recordsReads else { throw error }
            try? registry.recordObservation(GatewayObservation(
                environmentId: environment.id!, gatewayId: gateway.id!, observedAt: registry.clock.now,
                elements: [], apiCount: 0, error: error.description))
            throw error
        }
    }

    /// Every bound environment's differences (or the one named), each with the error that stopped its read.
    public func drift(environment name: String? = nil) async -> [GatewayDriftReport] {
        let environments: [Environment]
        do {
            environments = try name.map { [try registry.environment(named: $0)] }
                ?? registry.environments().filter { $0.gatewayId != nil }
        } catch {
            return [GatewayDriftReport(environment: name ?? "", gateway: "", inspection: nil,
                                       error: (error as? ClienteleError)?.description ?? "\(error)")]
        }
        var reports: [GatewayDriftReport] = []
        for environment in environments {
            let gatewayName = (try? registry.boundGateway(of: environment))?.name ?? ""
            do {
                let inspection = try await inspect(environment: environment.name)
                reports.append(GatewayDriftReport(
                    environment: environment.name, gateway: gatewayName, inspection: inspection,
                    unfinishedApply: inspection.unfinishedApply))
            } catch {
                reports.append(GatewayDriftReport(
                    environment: environment.name, gateway: gatewayName, inspection: nil,
                    error: (error as? ClienteleError)?.description ?? "\(error)"))
            }
        }
        return reports
    }
}

/// One environment's drift, or why it could not be read.
public struct GatewayDriftReport: Sendable {
    public var environment: String
    public var gateway: String
    public var inspection: GatewayInspection?
    public var error: String?
    /// An apply that stopped before it finished (resume it with `policy apply`).
    public var unfinishedApply: Int64?

    public init(environment: String, gateway: String, inspection: GatewayInspection?, error: String? = nil,
                unfinishedApply: Int64? = nil)
    {
        self.environment = environment
        self.gateway = gateway
        self.inspection = inspection
        self.error = error
        self.unfinishedApply = unfinishedApply
    }

    public var differences: [GatewayDifference] { inspection?.differences ?? [] }
}

extension GatewayPolicyService {
    /// The environment's gateway state as another tool's file (a decK file for Kong).
    public func export(environment name: String, format: GatewayExportFormat) async throws -> String {
        let environment = try registry.environment(named: name)
        let gateway = try registry.boundGateway(of: environment)
        let adapter = try gateways.adapter(for: gateway)
        let scope = registry.scope(of: environment, at: gateway)
        return try await adapter.export(format, apis: try await adapter.apis(in: scope), in: scope)
    }

    /// Whether Clientele can reach a gateway and act there.
    public func check(gateway name: String) async throws -> GatewayCheck {
        try await gateways.adapter(for: try registry.gateway(named: name)).check()
    }
}

extension GatewayPolicyService {
    /// What the gateway would need after a registry change not yet made: the plan a `policy plan` shows beside the
    /// registry's own.
    public func inspect(environment name: String, after change: PolicyPlan) async throws -> GatewayInspection {
        let current = try await inspect(environment: name)
        return try GatewayInspection.make(
            environment: current.environment, gateway: current.gateway, scope: current.scope, apis: current.apis,
            assignments: change.assignments(after: current.assignments), observed: current.observed,
            mapping: current.mapping)
    }
}
