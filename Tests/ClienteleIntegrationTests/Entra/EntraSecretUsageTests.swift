import ClienteleCore
import Foundation
import Testing

/// Last use from Graph beta's sign-in report, against the test server: every page, a filter for a few clients,
/// the report's lag, and a missing AuditLog.Read.All. Serialized: tests change the server's lag and roles.
@Suite(.serialized, .graphServer("--applications", "700", "--seed", "23"))
struct EntraSecretUsageTests {
    static let reportRoute = "GET /beta/reports/appCredentialSignInActivities"

    /// Records one sign-in per secret of `clients`, each a distinct number of minutes ago; returns key id → time.
    func recordSignIns(_ server: GraphTestServer, _ clients: [RemoteClient], now: Date) async throws -> [String: Date] {
        var expected: [String: Date] = [:]
        var entries: [String] = []
        for (index, secret) in clients.flatMap(\.secrets).enumerated() {
            // Whole seconds: the report writes what it was given, and Graph's text has no sub-second loss then.
            let at = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - Double(60 * (index + 1))).rounded(.down))
            expected[secret.keyId] = at
            entries.append(#"{"keyId":"\#(secret.keyId)","at":"\#(Timestamp.iso8601(at))"}"#)
        }
        try await server.post("/sign-ins", json: "[" + entries.joined(separator: ",") + "]")
        return expected
    }

    @Test func readsEveryPageOfTheReport() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let clients = try await adapter.discoverClients().filter { $0.clientId != server.clientId }
        let expected = try await recordSignIns(server, clients, now: Date())
        #expect(expected.count == 1050)
        try await server.resetStats()
        guard case .available(let lastUsed) = try await adapter.secretUsage(of: nil) else {
            Issue.record("the report was not available")
            return
        }
        // 1,050 seeded secrets and the admin's own (its token requests are sign-ins too): pages of 999 and 52.
        #expect(try await server.requests(Self.reportRoute) == 2)
        for (keyId, at) in expected {
            #expect(lastUsed[keyId].map { abs($0.timeIntervalSince(at)) < 0.001 } == true, "key \(keyId)")
        }
        #expect(lastUsed[expected.keys.first!] != nil && lastUsed.count == expected.count + 1)
    }

    @Test func asksForAFewClientsByAppId() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let clients = try await adapter.discoverClients().filter { $0.displayName.hasPrefix("app-0000") }
        let few = Array(clients.prefix(3))
        _ = try await recordSignIns(server, clients, now: Date())
        try await server.resetStats()
        guard case .available(let lastUsed) = try await adapter.secretUsage(of: few.map { RemoteClientReference(clientId: $0.clientId, objectId: $0.objectId) })
        else {
            Issue.record("the report was not available")
            return
        }
        #expect(Set(lastUsed.keys) == Set(few.flatMap(\.secrets).map(\.keyId)))
        #expect(try await server.requests(Self.reportRoute) == 1)
    }

    @Test func aTokenRequestWithASecretShowsOnlyAfterTheReportsLag() async throws {
        let server = try currentServer()
        let adapter = server.adapter()
        let client = try #require(try await adapter.discoverClients().first { $0.displayName == "app-00042" })
        let reference = RemoteClientReference(clientId: client.clientId, objectId: client.objectId)
        let added = try await adapter.addSecret(to: reference, displayName: "lag", expiresAt: nil)
        try await server.post("/report-lag", json: #"{"seconds":3600}"#)
        let before = Date().addingTimeInterval(-1)
        #expect(try await adapter.verify(added.text, for: reference) == .accepted)
        let lagging = try await adapter.secretUsage(of: [reference])
        #expect(lagging.lastUse(of: added.metadata.keyId) == .noUseRecorded)
        try await server.post("/report-lag", json: #"{"seconds":0}"#)
        guard case .usedAt(let at) = try await adapter.secretUsage(of: [reference]).lastUse(of: added.metadata.keyId)
        else {
            Issue.record("the sign-in never showed")
            return
        }
        #expect(at >= before && at <= Date().addingTimeInterval(1))
        try await adapter.removeSecret(added.metadata.keyId, from: reference)
    }

    @Test func withoutAuditLogReadAllTheReportIsUnavailableAndSaysWhatToGrant() async throws {
        let server = try currentServer()
        try await server.post("/admin-roles", json: #"{"roles":["Application.ReadWrite.OwnedBy"]}"#)
        let adapter = server.adapter()
        guard case .unavailable(let reason) = try await adapter.secretUsage(of: nil) else {
            Issue.record("a 403 was read as a report")
            return
        }
        print("unavailable: \(reason)")
        #expect(reason.contains("IdP entra-test") && reason.contains("grant the application permission AuditLog.Read.All"))
        #expect(reason.contains("Authorization_RequestDenied") && !reason.contains("\n"))
        let access = await adapter.checkUsageAccess()
        #expect(!access.readable && access.detail.contains("AuditLog.Read.All"))
        // Everything else works as before.
        #expect(try await adapter.discoverClients().count == 701)
        try await server.post("/admin-roles", json: #"{"roles":["Application.ReadWrite.OwnedBy","AuditLog.Read.All"]}"#)
        #expect(await server.adapter().checkUsageAccess().readable)
    }
}
