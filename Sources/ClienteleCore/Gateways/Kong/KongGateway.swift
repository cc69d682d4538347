import Foundation

/// A Kong Gateway (OSS, database mode) through its Admin API. An environment owns the services carrying its tag;
/// Clientele writes one plugin per service for each policy (never a global one: see `KongPolicyMapping`), tagged
/// `managed-by-clientele` and with the environment's tag, and touches no plugin without that mark.
public struct KongGateway: GatewayAdapter {
    public let gateway: Gateway
    let api: KongAdminAPI
    let kongMapping = KongPolicyMapping()

    public var mapping: any GatewayPolicyMapping { kongMapping }

    /// The plugins the mapping writes; `check` reports any this Kong does not offer.
    static let pluginsUsed = ["key-auth", "basic-auth", "rate-limiting", "jwt", "ip-restriction", "request-transformer", "cors"]

    public init(gateway: Gateway, credential: AdminCredential, http: PeerHTTPClient) {
        self.gateway = gateway
        var url = gateway.settings.url ?? ""
        while url.hasSuffix("/") { url.removeLast() }
        api = KongAdminAPI(
            baseURL: url, tokenHeader: gateway.settings.tokenHeader ?? "Kong-Admin-Token", credential: credential,
            http: http)
    }

    public func check() async throws -> GatewayCheck {
        let response: PeerResponse
        do {
            response = try await api.request(.GET, "/", purpose: "reading Kong's node information")
        } catch let error as ClienteleError {
            return GatewayCheck(reachable: false, credentialAccepted: false,
                                problems: ["\(error.description); check the Admin API URL \(api.baseURL) and that Kong's admin_listen serves it"])
        }
        if response.status == 401 || response.status == 403 {
            return GatewayCheck(reachable: true, credentialAccepted: false, problems: [
                "the admin token was refused (HTTP \(response.status)); set the token (header \(api.tokenHeader)) the gateway record names, or remove it for a Kong without admin auth",
            ])
        }
        try api.requireSuccess(response, purpose: "reading Kong's node information")
        let node = try response.decode(GatewayValue.self, purpose: "reading Kong's node information")
        var problems: [String] = []
        let available = Set(node[path: "plugins.available_on_server"]?.objectValue?.keys.map { $0 } ?? [])
        let missing = Self.pluginsUsed.filter { !available.contains($0) }
        if !missing.isEmpty {
            problems.append("Kong does not offer the plugins \(missing.joined(separator: ", ")); add them to its `plugins` setting (kong.conf) to manage the policies that use them")
        }
        if node[path: "configuration.database"]?.stringValue == "off" {
            problems.append("Kong runs DB-less (database=off), where the Admin API refuses writes; Clientele needs Kong with a database")
        }
        let edition = node[path: "edition"]?.stringValue
        var manageable = ["plugins on the services carrying an environment's tag (one plugin per service and policy, tagged \(KongPolicyMapping.managedTag))"]
        manageable.append("policies: client-id-enforcement, rate-limiting, spike-control, jwt-validation, ip-allowlist, header-injection, cors")
        if edition == "enterprise" {
            manageable.append("oidc-access-token-enforcement stays refused on Enterprise too (openid-connect is outside Clientele's Kong contract)")
        }
        return GatewayCheck(reachable: true, credentialAccepted: true, version: node[path: "version"]?.stringValue,
                            edition: edition, manageable: manageable, problems: problems)
    }

    /// The services tagged with the environment's tag (every service when it has none), with their routes' paths.
    public func apis(in scope: GatewayScope) async throws -> [RemoteAPI] {
        let services = try await api.list("/services", tags: scope.gatewayEnvironment, purpose: "listing services")
        // Routes need not carry the environment's tag, so all are read (1,000 a page) and matched by service.
        let routes = try await api.list("/routes", purpose: "listing routes")
        var paths: [String: [String]] = [:]
        for route in routes {
            guard let service = route[path: "service.id"]?.stringValue else { continue }
            paths[service, default: []] += route[path: "paths"]?.stringsValue ?? []
        }
        return services.compactMap { service in
            guard let id = service[path: "id"]?.stringValue else { return nil }
            let name = service[path: "name"]?.stringValue ?? id
            let routePaths = paths[id] ?? []
            return RemoteAPI(remoteId: id, name: name,
                             detail: routePaths.isEmpty ? "no routes" : "routes \(routePaths.joined(separator: ", "))")
        }
    }

    /// Every plugin scoped to exactly one of these services (not to a route or consumer as well). One or two
    /// services are read on their own; more through the whole `/plugins` list, 1,000 a page, which for an
    /// environment of many services is far fewer requests than one per service.
    public func policies(on apis: [RemoteAPI], in scope: GatewayScope) async throws -> [GatewayPolicy] {
        let byId = Dictionary(apis.map { ($0.remoteId, $0) }, uniquingKeysWith: { first, _ in first })
        var plugins: [GatewayValue] = []
        if apis.count <= 2 {
            for service in apis {
                plugins += try await api.list("/services/\(KongAdminAPI.escape(service.remoteId))/plugins",
                                              purpose: "listing plugins on service \(service.name)")
            }
        } else {
            plugins = try await api.list("/plugins", purpose: "listing plugins")
        }
        return plugins.compactMap { plugin in
            guard let serviceId = plugin[path: "service.id"]?.stringValue, let service = byId[serviceId],
                plugin[path: "route.id"] == nil, plugin[path: "consumer.id"] == nil
            else { return nil }
            return KongPluginElement.element(plugin, api: service, mapping: kongMapping)
        }
        .sorted { $0.key < $1.key }
    }

    public func perform(_ step: GatewayStep, in scope: GatewayScope) async throws -> GatewayPolicy? {
        switch step.action {
        case .create: return try await write(step, in: scope, updating: false)
        case .update: return try await write(step, in: scope, updating: true)
        case .delete:
            guard let id = step.current?.remoteId else { return nil }
            let purpose = "removing plugin \(step.element) from service \(step.apiName)"
            let response = try await api.request(.DELETE, "/plugins/\(KongAdminAPI.escape(id))", purpose: purpose)
            // Kong answers 204 for a plugin already gone; a 404 means the same.
            if response.status != 404 { try api.requireSuccess(response, purpose: purpose) }
            return nil
        case .reorder, .reload:
            // Kong orders plugins by their priority and applies writes at once: neither step has work here.
            return nil
        }
    }

    /// Create: `PUT /plugins/{id}` with the id the mapping derived, so a resumed create replaces its own plugin.
    /// Update: `PATCH`, which merges `config` field by field, so settings Clientele does not own (defaults,
    /// somebody's `hide_credentials`) stay as they are; a plugin gone meanwhile is created again under its id.
    private func write(_ step: GatewayStep, in scope: GatewayScope, updating: Bool) async throws -> GatewayPolicy? {
        guard let desired = step.desired, let serviceId = step.apiId else {
            throw ClienteleError.gateway("gateway \(scope.gatewayName): a \(step.action.rawValue) step without its element")
        }
        let id = desired.remoteId ?? KongPluginID.derived(serviceId: serviceId, plugin: desired.element)
        let path = "/plugins/\(KongAdminAPI.escape(id))"
        let purpose = "\(updating ? "updating" : "adding") plugin \(desired.element) on service \(step.apiName)"
        var method = HTTPMethodChoice.put
        var existingTags: [String] = []
        if updating {
            let current = try await api.request(.GET, path, purpose: purpose)
            if current.status == 200 {
                method = .patch
                existingTags = (try? current.decode(GatewayValue.self, purpose: purpose))?[path: "tags"]?.stringsValue ?? []
            } else if current.status != 404 {
                try api.requireSuccess(current, purpose: purpose)
            }
        }
        let body = KongPluginElement.body(
            for: desired, serviceId: serviceId, tags: KongPluginElement.tags(for: desired, scope: scope, keeping: existingTags))
        let response = try await api.request(method == .patch ? .PATCH : .PUT, path, body: body, purpose: purpose)
        if let rejection = KongRejection.line(response, step: step, scope: scope) { throw rejection }
        try api.requireSuccess(response, purpose: purpose)
        let written = try response.decode(GatewayValue.self, purpose: purpose)
        let service = RemoteAPI(remoteId: serviceId, name: step.apiName)
        return KongPluginElement.element(written, api: service, mapping: kongMapping)
    }

    private enum HTTPMethodChoice { case put, patch }
}
