import Foundation

/// What `gateway sync` found for one environment, and what it adopted.
public struct GatewaySyncReport: Sendable {
    public var environment: String
    public var gateway: String
    public var apis: Int
    public var elements: Int
    /// Differences left after the sync (with adopt: those it could not take).
    public var differences: [GatewayDifference]
    /// With adopt: each registry change made, as a line.
    public var adopted: [String]
    public var error: String?
}

extension GatewayPolicyService {
    /// Imports the APIs and policies of every environment bound to `gatewayName` (every bound environment when
    /// nil). With `adopt`, takes the gateway's view of each difference into the registry, with audit events.
    public func sync(gateway gatewayName: String?, adopt: Bool, actor: String) async throws -> [GatewaySyncReport] {
        let gateway = try gatewayName.map { try registry.gateway(named: $0) }
        let environments = try registry.environments().filter {
            $0.gatewayId != nil && (gateway == nil || $0.gatewayId == gateway?.id)
        }
        var reports: [GatewaySyncReport] = []
        for environment in environments {
            let gatewayName = (try? registry.boundGateway(of: environment))?.name ?? ""
            do {
                var inspection = try await inspect(environment: environment.name, actor: actor)
                var adopted: [String] = []
                if adopt {
                    adopted = try self.adopt(inspection.differences, in: inspection, actor: actor)
                    if !adopted.isEmpty { inspection = try await inspect(environment: environment.name, actor: actor) }
                }
                reports.append(GatewaySyncReport(
                    environment: environment.name, gateway: gatewayName, apis: inspection.apis.count,
                    elements: inspection.observed.count, differences: inspection.differences, adopted: adopted))
            } catch {
                reports.append(GatewaySyncReport(
                    environment: environment.name, gateway: gatewayName, apis: 0, elements: 0, differences: [],
                    adopted: [], error: (error as? ClienteleError)?.description ?? "\(error)"))
            }
        }
        return reports
    }

    /// Takes the gateway's side of `differences` into the registry: a policy the gateway runs that is not
    /// assigned is assigned (narrowed to its API), one configured differently is reconfigured to the gateway's
    /// values (narrowed to its API when the others keep the environment's), one missing at the gateway is
    /// unassigned there, and an order is taken as the chain's order. Returns a line per registry change.
    public func adopt(_ differences: [GatewayDifference], in inspection: GatewayInspection, actor: String) throws
        -> [String]
    {
        var lines: [String] = []
        let environment = inspection.environment.name
        for difference in differences where difference.isAdoptable {
            switch difference.kind {
            case .unassigned, .configured:
                guard let theirs = difference.theirs, let adopted = inspection.mapping.adopt(theirs) else {
                    lines.append("left \(difference.element) on \(difference.apiName): it is nothing Clientele names")
                    continue
                }
                let assignments = try registry.assignments(in: environment)
                let narrowed = assignments.first {
                    $0.policy == adopted.kind && $0.api.caseInsensitiveCompare(difference.apiName) == .orderedSame
                }
                let wide = assignments.first { $0.policy == adopted.kind && $0.api.isEmpty }
                let apiForChange: String? = narrowed != nil || wide == nil || inspection.apis.count > 1
                    ? difference.apiName : nil
                // A new narrowed assignment takes the environment-wide one's place in the chain, so the API's
                // order stays what the gateway runs.
                let position = narrowed == nil && apiForChange != nil ? wide?.position : nil
                let plan = try registry.applyPolicyChange(
                    PolicyChangeRequest(policy: adopted.kind, environment: environment, api: apiForChange,
                                        intent: .assign(pairs: adopted.pairs, position: position)),
                    actor: actor)
                lines += plan.lines
            case .missing:
                guard let kind = difference.policy else { continue }
                let assignments = try registry.assignments(in: environment)
                if let narrowed = assignments.first(where: {
                    $0.policy == kind && $0.api.caseInsensitiveCompare(difference.apiName) == .orderedSame
                }) {
                    lines += try registry.applyPolicyChange(
                        PolicyChangeRequest(policy: kind, environment: environment, api: narrowed.api, intent: .unassign),
                        actor: actor).lines
                } else if let wide = assignments.first(where: { $0.policy == kind && $0.api.isEmpty }) {
                    // The gateway runs it on the other APIs only: narrow the assignment to those.
                    let schema = PolicyCatalog.schema(for: kind)
                    let pairs = wide.configuration.pairs(orderedBy: schema).map { "\($0)=\($1)" }
                    let others = inspection.apis.filter { $0.remoteId != difference.apiId }.filter { api in
                        !differences.contains { $0.kind == .missing && $0.policy == kind && $0.apiId == api.remoteId }
                    }
                    lines += try registry.applyPolicyChange(
                        PolicyChangeRequest(policy: kind, environment: environment, intent: .unassign), actor: actor).lines
                    for api in others {
                        lines += try registry.applyPolicyChange(
                            PolicyChangeRequest(policy: kind, environment: environment, api: api.name,
                                                intent: .assign(pairs: pairs, position: nil)),
                            actor: actor).lines
                    }
                }
            case .ordered:
                lines += try adoptOrder(difference, in: inspection, actor: actor)
            case .notLoaded:
                continue
            }
        }
        return lines
    }

    /// Moves the assignments on an API into the order the gateway runs them.
    private func adoptOrder(_ difference: GatewayDifference, in inspection: GatewayInspection, actor: String) throws
        -> [String]
    {
        let environment = inspection.environment.name
        let elementKinds = Dictionary(
            inspection.desired.filter { $0.apiId == difference.apiId }.compactMap { element in
                element.kind.map { (element.element, $0) }
            }, uniquingKeysWith: { first, _ in first })
        let kinds = (difference.theirOrder ?? []).compactMap { elementKinds[$0] }
        var lines: [String] = []
        let assignments = try registry.assignments(in: environment)
        let involved = kinds.compactMap { kind in
            assignments.first { $0.policy == kind && $0.api.caseInsensitiveCompare(difference.apiName) == .orderedSame }
                ?? assignments.first { $0.policy == kind && $0.api.isEmpty }
        }
        let slots = involved.map(\.position).sorted()
        for (assignment, slot) in zip(involved, slots) where assignment.position != slot {
            let current = try registry.assignments(in: environment).first { $0.id == assignment.id }
            guard let current, current.position != slot else { continue }
            lines += try registry.applyPolicyChange(
                PolicyChangeRequest(policy: current.policy, environment: environment,
                                    api: current.api.isEmpty ? nil : current.api, intent: .move(to: slot)),
                actor: actor).lines
        }
        return lines
    }
}
