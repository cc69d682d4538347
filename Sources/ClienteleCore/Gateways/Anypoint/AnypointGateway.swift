import Foundation

/// An Anypoint organization's API Manager as a Clientele gateway: API instances of the bound environment are the
/// APIs, their policies the elements (every one of them Clientele's to manage, as the environment is bound to
/// Clientele), and the connected app's client credentials the way in.
public struct AnypointGateway: GatewayAdapter {
    public let gateway: Gateway
    public let mapping: any GatewayPolicyMapping = AnypointPolicyMapping()
    let connection: AnypointConnection

    public init(gateway: Gateway, credential: AdminCredential, http: PeerHTTPClient) {
        self.gateway = gateway
        let endpoints = AnypointEndpoints(settings: gateway.settings)
        connection = AnypointConnection(
            endpoints: endpoints,
            tokens: AnypointAccessTokens(
                endpoints: endpoints, clientId: gateway.settings.clientId ?? "", credential: credential, http: http),
            http: http)
    }

    var endpoints: AnypointEndpoints { connection.endpoints }

    /// The environment id the scope names inside the organization; Anypoint has no API outside one.
    func environmentId(_ scope: GatewayScope) throws -> String {
        guard let id = scope.gatewayEnvironment?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
            throw ClienteleError.gateway(
                "gateway \(gateway.name): environment \(scope.environmentName) has no Anypoint environment id; "
                    + "run env set \(scope.environmentName) --gateway-environment ID (gateway check \(gateway.name) lists them)")
        }
        return id
    }

    public func apis(in scope: GatewayScope) async throws -> [RemoteAPI] {
        let environment = try environmentId(scope)
        let purpose = "listing API instances of environment \(scope.environmentName) (\(environment))"
        var apis: [RemoteAPI] = []
        var offset = 0
        while true {
            let response = try await connection.send(
                .GET, endpoints.apis(environment: environment, offset: offset), environment: environment,
                purpose: purpose)
            guard response.status == 200 else { throw connection.failure(response, purpose, environment: environment) }
            let page = try response.decode(AnypointInstancePage.self, purpose: purpose)
            let assets = page.assets ?? []
            apis += page.remoteAPIs
            offset += AnypointEndpoints.pageLimit
            // `total` counts what matches; a short page is the last one whatever it says.
            if assets.count < AnypointEndpoints.pageLimit { break }
            if let total = page.total, offset >= total { break }
        }
        return apis
    }

    public func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        let environment = try environmentId(scope)
        return try await AnypointConcurrentReads.map(apis) { api in
            try await policies(on: api, environment: environment, scope: scope)
        }.flatMap { $0 }
    }

    /// Every policy on one instance, in chain order.
    func policies(on api: RemoteAPI, environment: String, scope: GatewayScope) async throws -> [GatewayPolicy] {
        let purpose = "listing policies of API instance \(api.remoteId) in environment \(scope.environmentName)"
        let response = try await connection.send(
            .GET, endpoints.policies(environment: environment, api: api.remoteId), environment: environment,
            purpose: purpose)
        guard response.status == 200 else { throw connection.failure(response, purpose, environment: environment) }
        let body = try response.decode(GatewayValue.self, purpose: purpose)
        guard let entries = AnypointPolicyEntry.entries(in: body) else {
            throw connection.peer.failure(
                "\(purpose): HTTP 200 with a body that is no policy list (client-request-id \(response.requestId))")
        }
        return entries.compactMap { AnypointPolicyEntry.element($0, on: api) }
            .sorted { ($0.order ?? Int.max, $0.remoteId ?? "") < ($1.order ?? Int.max, $1.remoteId ?? "") }
    }
}
