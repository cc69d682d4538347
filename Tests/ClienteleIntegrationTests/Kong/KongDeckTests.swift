import ClienteleCore
import Foundation
import Testing

/// Kong's own decK 1.4.0 as the independent peer: it reads what Clientele applied, accepts Clientele's export and
/// finds no difference against the gateway, and a change it syncs is exactly the drift Clientele reports.
@Suite struct KongDeckTests {
    static let scope = KongTestServer.scope

    static func appliedEnvironment() async throws -> KongApplyTests.Environment {
        let env = try await KongApplyTests.environment()
        try await env.apply(try KongApplyTests.assignments())
        return env
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("clientele-kong-\(UUID().uuidString)-\(name)")
    }

    /// What `deck dump --select-tag prod` wrote, parsed.
    static func dump(_ server: KongTestServer, to file: URL) throws -> [String: Any] {
        let dump = try server.deck("dump", "--format", "json", "-o", file.path, "--select-tag", "prod")
        #expect(dump.status == 0, "\(dump.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
    }

    @Test func deckDumpShowsThePluginsWithClientelesConfig() async throws {
        let env = try await Self.appliedEnvironment()
        let file = Self.temporaryFile("dump.json")
        defer { try? FileManager.default.removeItem(at: file) }
        let state = try Self.dump(env.server, to: file)
        let services = try #require(state["services"] as? [[String: Any]])
        #expect(services.compactMap { $0["name"] as? String }.sorted() == ["api-00001", "api-00002", "api-00003"])
        let second = try #require(services.first { $0["name"] as? String == "api-00002" })
        let plugins = try #require(second["plugins"] as? [[String: Any]])
        #expect(plugins.compactMap { $0["name"] as? String }.sorted() == ["ip-restriction", "key-auth", "rate-limiting"])
        let limit = try #require(plugins.first { $0["name"] as? String == "rate-limiting" })
        let config = try #require(limit["config"] as? [String: Any])
        #expect(config["minute"] as? Int == 100 && config["policy"] as? String == "local")
        let keyAuth = try #require(plugins.first { $0["name"] as? String == "key-auth" }?["config"] as? [String: Any])
        #expect(keyAuth["key_names"] as? [String] == ["x-client-id"])
    }

    @Test func theExportIsValidAndDeckDiffFindsNothingAfterAnApply() async throws {
        let env = try await Self.appliedEnvironment()
        // A route the environment owns too: exported with its service, as Kong returns it.
        let (tagged, _) = try await env.server.admin("PATCH", "/routes/api-00001-route", #"{"tags": ["seeded", "prod"]}"#)
        #expect(tagged == 200)
        let text = try await env.adapter.export(.deck, apis: env.apis, in: Self.scope)
        #expect(!text.contains(env.server.token))
        let file = Self.temporaryFile("export.json")
        defer { try? FileManager.default.removeItem(at: file) }
        try text.write(to: file, atomically: true, encoding: .utf8)
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(exported["_format_version"] as? String == "1.1")
        #expect((exported["_info"] as? [String: Any])?["select_tags"] as? [String] == ["prod"])
        #expect((exported["services"] as? [[String: Any]])?.count == 3)
        #expect(exported["consumers"] == nil)
        let first = try #require((exported["services"] as? [[String: Any]])?.first { $0["name"] as? String == "api-00001" })
        #expect((first["routes"] as? [[String: Any]])?.compactMap { $0["paths"] as? [String] } == [["/api-00001"]])
        #expect((first["plugins"] as? [[String: Any]])?.count == 3)

        let validate = try env.server.deck("validate", "-s", file.path)
        #expect(validate.status == 0, "\(validate.output)")
        let diff = try env.server.deck("diff", "-s", file.path, "--non-zero-exit-code")
        #expect(diff.status == 0, "\(diff.output)")
        #expect(diff.output.contains("Created: 0") && diff.output.contains("Updated: 0") && diff.output.contains("Deleted: 0"),
                "\(diff.output)")

        // The check can fail: drift behind Clientele's back makes the same file differ.
        let limit = try #require(try await env.server.plugins(on: "api-00001").first { $0["name"] as? String == "rate-limiting" })
        _ = try await env.server.admin("PATCH", "/plugins/\(try #require(limit["id"] as? String))", #"{"config": {"minute": 7}}"#)
        let drifted = try env.server.deck("diff", "-s", file.path, "--non-zero-exit-code")
        #expect(drifted.status == 2, "\(drifted.output)")
    }

    @Test func anEnvironmentWithoutATagHasNoExport() async throws {
        let env = try await Self.appliedEnvironment()
        let untagged = GatewayScope(gatewayName: "kong-test", environmentName: "All", gatewayEnvironment: nil)
        let line = await errorLine { _ = try await env.adapter.export(.deck, apis: env.apis, in: untagged) }
        #expect(line.hasPrefix("gateway kong-test: environment All has no Kong tag"), "\(line)")
    }

    @Test func aChangeDeckSyncsIsExactlyTheDriftClienteleReports() async throws {
        let env = try await Self.appliedEnvironment()
        let file = Self.temporaryFile("sync.json")
        defer { try? FileManager.default.removeItem(at: file) }
        var state = try Self.dump(env.server, to: file)
        var services = try #require(state["services"] as? [[String: Any]])
        let index = try #require(services.firstIndex { $0["name"] as? String == "api-00003" })
        var plugins = try #require(services[index]["plugins"] as? [[String: Any]])
        let at = try #require(plugins.firstIndex { $0["name"] as? String == "rate-limiting" })
        var config = try #require(plugins[at]["config"] as? [String: Any])
        #expect(config["minute"] as? Int == 100)
        config["minute"] = 500
        plugins[at]["config"] = config
        services[index]["plugins"] = plugins
        state["services"] = services
        // decK reads the file as YAML, which has no `\/` escape.
        try JSONSerialization.data(withJSONObject: state, options: [.withoutEscapingSlashes]).write(to: file)

        let sync = try env.server.deck("sync", "-s", file.path)
        #expect(sync.status == 0, "\(sync.output)")
        #expect(sync.output.contains("Updated: 1"), "\(sync.output)")

        let differences = try await env.differences(try KongApplyTests.assignments())
        #expect(differences.count == 1)
        let drift = try #require(differences.first)
        #expect(drift.kind == .configured && drift.apiName == "api-00003" && drift.element == "rate-limiting")
        #expect(drift.changes == [GatewayFieldChange(path: "config.minute", theirs: .int(500), ours: .int(100))])
    }
}
