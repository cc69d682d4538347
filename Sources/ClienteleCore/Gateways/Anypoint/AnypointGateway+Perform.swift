import Foundation

extension AnypointGateway {
    public func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        let environment = try environmentId(scope)
        switch step.action {
        case .create:
            return try await create(step, environment: environment, scope: scope)
        case .update:
            return try await update(step, environment: environment, scope: scope)
        case .delete:
            try await delete(step, environment: environment, scope: scope)
            return nil
        case .reorder:
            try await reorder(step, environment: environment, scope: scope)
            return nil
        case .reload:
            return nil  // API Manager applies a policy as it is written
        }
    }

    private func create(_ step: GatewayStep, environment: String, scope: GatewayScope) async throws -> GatewayPolicy? {
        let (desired, api) = try target(step, scope: scope)
        let purpose = "adding \(mapping.describe(desired))"
        var body: [String: GatewayValue] = [
            "configurationData": AnypointConfigurationBody.make(desired.fields),
            "pointcutData": .null,
            "groupId": .string(AnypointPolicyTemplate.mulesoftGroup),
            "assetId": .string(desired.element),
            "assetVersion": .string(desired.version ?? ""),
        ]
        // Placed at its position in the chain as it is added; a reorder step puts the rest in place.
        if let order = desired.order { body["order"] = .int(order) }
        let response = try await connection.send(
            .POST, endpoints.policies(environment: environment, api: api.remoteId), json: .object(body),
            environment: environment, purpose: purpose)
        switch response.status {
        case 200, 201:
            return try await written(response, api: api, environment: environment, scope: scope, purpose: purpose)
        case 409:
            // Already there (an apply that stopped after this write, before recording it): make it ours.
            let existing = try await policies(on: api, environment: environment, scope: scope)
                .first { $0.element == desired.element }
            guard let existing else { throw connection.failure(response, purpose, environment: environment) }
            var again = step
            again.action = .update
            again.current = existing
            again.desired?.remoteId = existing.remoteId
            return try await update(again, environment: environment, scope: scope)
        default:
            throw rejection(response, step: step, desired: desired, scope: scope, purpose: purpose)
        }
    }

    private func update(_ step: GatewayStep, environment: String, scope: GatewayScope) async throws -> GatewayPolicy? {
        let (desired, api) = try target(step, scope: scope)
        guard let policyId = desired.remoteId ?? step.current?.remoteId else {
            throw ClienteleError.gateway("\(connection.peer): cannot update \(mapping.describe(desired)) without its policy id")
        }
        let purpose = "changing \(mapping.describe(desired)) (policy \(policyId))"
        var body: [String: GatewayValue] = [
            "configurationData": AnypointConfigurationBody.merged(ours: desired.fields, theirs: step.current?.fields ?? [:]),
        ]
        if let version = desired.version { body["assetVersion"] = .string(version) }
        let response = try await connection.send(
            .PATCH, endpoints.policy(environment: environment, api: api.remoteId, policy: policyId), json: .object(body),
            environment: environment, purpose: purpose)
        switch response.status {
        case 200, 201:
            return try await written(
                response, api: api, environment: environment, scope: scope, purpose: purpose, policyId: policyId)
        case 404:
            // Removed at the gateway since it was read: adding it again gives the same end state.
            var again = step
            again.action = .create
            again.desired?.remoteId = nil
            return try await create(again, environment: environment, scope: scope)
        default:
            throw rejection(response, step: step, desired: desired, scope: scope, purpose: purpose)
        }
    }

    private func delete(_ step: GatewayStep, environment: String, scope: GatewayScope) async throws {
        guard let current = step.current, let policyId = current.remoteId, let apiId = step.apiId ?? current.apiId else {
            throw ClienteleError.gateway("\(connection.peer): a delete step without the policy it removes")
        }
        let purpose = "removing \(mapping.describe(current)) (policy \(policyId))"
        let response = try await connection.send(
            .DELETE, endpoints.policy(environment: environment, api: apiId, policy: policyId),
            environment: environment, purpose: purpose)
        // 404: already gone, which is what the step wanted.
        guard [200, 204, 404].contains(response.status) else {
            throw connection.failure(response, purpose, environment: environment)
        }
    }

    /// Puts the step's elements in its order, in the places they hold in the chain now, leaving every other
    /// policy where it is: policies added in this apply were already placed at their positions.
    private func reorder(_ step: GatewayStep, environment: String, scope: GatewayScope) async throws {
        guard let apiId = step.apiId, let wanted = step.order else { return }
        let api = RemoteAPI(remoteId: apiId, name: step.apiName)
        let chain = try await policies(on: api, environment: environment, scope: scope)
        let named = chain.filter { wanted.contains($0.element) }
        let sortedNamed = named.sorted {
            (wanted.firstIndex(of: $0.element) ?? .max) < (wanted.firstIndex(of: $1.element) ?? .max)
        }
        var next = sortedNamed.makeIterator()
        let reordered = chain.map { wanted.contains($0.element) ? next.next() ?? $0 : $0 }
        guard reordered.map(\.remoteId) != chain.map(\.remoteId) else { return }
        let body = GatewayValue.array(reordered.enumerated().compactMap { index, element in
            guard let id = element.remoteId else { return nil }
            return .object(["id": Int(id).map(GatewayValue.int) ?? .string(id), "order": .int(index + 1)])
        })
        let purpose = "ordering the policies of API instance \(apiId) as \(wanted.joined(separator: ", "))"
        let response = try await connection.send(
            .PATCH, endpoints.policies(environment: environment, api: apiId), json: body, environment: environment,
            purpose: purpose)
        guard response.status == 200 else { throw connection.failure(response, purpose, environment: environment) }
    }

    // MARK: -

    private func target(_ step: GatewayStep, scope: GatewayScope) throws -> (GatewayPolicy, RemoteAPI) {
        guard let desired = step.desired, let apiId = step.apiId ?? desired.apiId else {
            throw ClienteleError.gateway("\(connection.peer): a \(step.action.rawValue) step without the policy it writes")
        }
        return (desired, RemoteAPI(remoteId: apiId, name: step.apiName.isEmpty ? desired.apiName : step.apiName))
    }

    /// The policy as written: the reply's, or (where a reply carries none) read back, as an object or the
    /// fragment's one-element array.
    private func written(_ response: PeerResponse, api: RemoteAPI, environment: String, scope: GatewayScope,
                         purpose: String, policyId: String? = nil) async throws -> GatewayPolicy?
    {
        if let element = Self.policy(in: response.body, on: api) { return element }
        if let policyId {
            let reading = "reading policy \(policyId) of API instance \(api.remoteId)"
            let again = try await connection.send(
                .GET, endpoints.policy(environment: environment, api: api.remoteId, policy: policyId),
                environment: environment, purpose: reading)
            guard again.status == 200 else { throw connection.failure(again, reading, environment: environment) }
            if let element = Self.policy(in: again.body, on: api) { return element }
        }
        throw connection.peer.failure(
            "\(purpose): HTTP \(response.status) without the policy it wrote (client-request-id \(response.requestId))")
    }

    static func policy(in body: Data, on api: RemoteAPI) -> GatewayPolicy? {
        guard let value = try? JSONDecoder().decode(GatewayValue.self, from: body),
            let entry = AnypointPolicyEntry.entries(in: value)?.first
        else { return nil }
        return AnypointPolicyEntry.element(entry, on: api)
    }

    /// API Manager refused the policy: one line naming the gateway, the environment, the policy and the field.
    private func rejection(_ response: PeerResponse, step: GatewayStep, desired: GatewayPolicy, scope: GatewayScope,
                           purpose: String) -> ClienteleError
    {
        guard [400, 404, 422].contains(response.status) else {
            return connection.failure(response, purpose, environment: scope.gatewayEnvironment)
        }
        let message = AnypointErrorBody.message(in: response) ?? "no reason given"
        let field = AnypointErrorBody.field(in: message).map { "field \($0)" } ?? "field unknown"
        let policy = desired.kind?.rawValue ?? step.current?.kind?.rawValue ?? desired.element
        return ClienteleError.gateway(
            "gateway \(gateway.name): environment \(scope.environmentName): \(policy) (\(mapping.describe(desired))) "
                + "was rejected, \(field): \(message) (HTTP \(response.status), client-request-id \(response.requestId))")
    }
}
