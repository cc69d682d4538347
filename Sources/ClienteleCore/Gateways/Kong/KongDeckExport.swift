import Foundation

/// The environment's Kong state as a decK file: its tagged services with their tagged routes and the plugins on
/// them carrying its tag (Clientele's among them), each exactly as Kong returns it, and `_info.select_tags` so
/// that decK compares only what the environment owns. Fields are those decK 1.4.0's file schema knows
/// (shared/contracts/kong/deck-1.4.0-file-schema.json: it rejects newer ones such as a service's `enabled`);
/// plugin `config` is kept whole, nulls included, because decK 1.4.0 fills no plugin defaults before it diffs.
/// Consumers and credentials are never exported, so no secret is in the file.
struct KongDeckExport {
    static let serviceFields: Set<String> = [
        "ca_certificates", "client_certificate", "connect_timeout", "host", "id", "name", "path", "port", "protocol",
        "read_timeout", "retries", "tags", "tls_verify", "tls_verify_depth", "write_timeout",
    ]
    static let routeFields: Set<String> = [
        "destinations", "headers", "hosts", "https_redirect_status_code", "id", "methods", "name", "path_handling",
        "paths", "preserve_host", "protocols", "regex_priority", "request_buffering", "response_buffering", "snis",
        "sources", "strip_path", "tags",
    ]
    static let pluginFields: Set<String> = ["config", "enabled", "id", "name", "protocols", "tags"]

    let api: KongAdminAPI

    func file(apis: [RemoteAPI], scope: GatewayScope) async throws -> String {
        guard let tag = scope.gatewayEnvironment else {
            throw ClienteleError.invalidInput(
                "gateway \(scope.gatewayName): environment \(scope.environmentName) has no Kong tag, so a decK file of it would claim the whole gateway (consumers and credentials included); set its --gateway-environment tag first")
        }
        let wanted = Set(apis.map(\.remoteId))
        let services = try await api.list("/services", tags: tag, purpose: "exporting services")
        let routes = try await api.list("/routes", tags: tag, purpose: "exporting routes")
        let plugins = try await api.list("/plugins", tags: tag, purpose: "exporting plugins")
        var exported: [GatewayValue] = []
        for service in services {
            guard let id = service[path: "id"]?.stringValue, wanted.contains(id) else { continue }
            var entry = Self.kept(service, Self.serviceFields)
            let own = routes.filter { $0[path: "service.id"]?.stringValue == id }.map { GatewayValue.object(Self.kept($0, Self.routeFields)) }
            let attached = plugins.filter {
                $0[path: "service.id"]?.stringValue == id && $0[path: "route.id"] == nil && $0[path: "consumer.id"] == nil
            }.map(Self.plugin)
            if !own.isEmpty { entry["routes"] = .array(own.sorted(by: Self.byName)) }
            if !attached.isEmpty { entry["plugins"] = .array(attached.sorted(by: Self.byName)) }
            exported.append(.object(entry))
        }
        let file = GatewayValue.object([
            "_format_version": .string("1.1"),
            "_info": .object(["select_tags": .strings([tag])]),
            "services": .array(exported.sorted(by: Self.byName)),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(file), as: UTF8.self) + "\n"
    }

    /// Top-level fields decK knows; nulls dropped there (its schema types them as objects or lists).
    private static func kept(_ entity: GatewayValue, _ fields: Set<String>) -> [String: GatewayValue] {
        (entity.objectValue ?? [:]).filter { fields.contains($0.key) && $0.value != .null }
    }

    private static func plugin(_ plugin: GatewayValue) -> GatewayValue {
        var entry = kept(plugin, pluginFields)
        if let config = plugin[path: "config"] { entry["config"] = redactedConfig(config) }
        return .object(entry)
    }

    /// A secret in a plugin's config (a Redis password) is written as the stand-in, never as its text.
    private static func redactedConfig(_ value: GatewayValue, key: String? = nil) -> GatewayValue {
        switch value {
        case .object(let object):
            return .object(object.reduce(into: [:]) { $0[$1.key] = redactedConfig($1.value, key: $1.key) })
        case .null:
            return .null
        default:
            return key.map(KongPluginElement.secretKeys.contains) == true ? GatewayPolicy.redacted : value
        }
    }

    private static func byName(_ lhs: GatewayValue, _ rhs: GatewayValue) -> Bool {
        (lhs[path: "name"]?.stringValue ?? lhs[path: "id"]?.stringValue ?? "") < (rhs[path: "name"]?.stringValue ?? rhs[path: "id"]?.stringValue ?? "")
    }
}

extension KongGateway {
    public func export(_ format: GatewayExportFormat, apis: [RemoteAPI], in scope: GatewayScope) async throws -> String {
        switch format {
        case .deck: return try await KongDeckExport(api: api).file(apis: apis, scope: scope)
        }
    }
}
