import ClienteleCore
import Foundation
import Testing

/// Throttling, broken bodies and unreachable endpoints, injected through the server's fault API. Serialized:
/// faults apply to whichever request comes next.
@Suite(.serialized, .graphServer("--applications", "3"))
struct EntraFaultTests {
    // Regexes travel inside JSON strings, so they avoid backslashes.
    static let applications = "^/v1[.]0/applications$"
    static let token = "^/[^/]+/oauth2/v2[.]0/token$"

    @Test func throttlingIsRetriedAfterRetryAfter() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let sleeps = SleepLog()
        let adapter = server.adapter(sleeps: sleeps)
        try await server.fault(#"{"path_regex":"\#(Self.applications)","status":429,"retry_after":1,"count":2}"#)
        let clients = try await adapter.discoverClients()
        #expect(clients.count == 4)
        #expect(sleeps.recorded == [1, 1])
    }

    @Test func exhaustedThrottlingIsOneClearLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let sleeps = SleepLog()
        let adapter = server.adapter(sleeps: sleeps)
        _ = try await adapter.client(RemoteClientReference(clientId: server.clientId))  // token first
        try await server.fault(#"{"path_regex":"\#(Self.applications)","status":429,"retry_after":1,"count":4}"#)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        try await server.clearFaults()
        #expect(line.hasPrefix("IdP entra-test: listing applications was throttled (HTTP 429) after 4 attempts"), "\(line)")
        #expect(line.contains("client-request-id"))
        #expect(sleeps.recorded == [1, 1, 1])
    }

    @Test func aNonJSONAnswerIsOneLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        try await server.fault(#"{"path_regex":"\#(Self.applications)","kind":"non_json"}"#)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        #expect(line.hasPrefix("IdP entra-test: listing applications: HTTP 200 with a body that is not JSON"), "\(line)")
        #expect(line.contains("client-request-id"))
    }

    @Test func aNonJSONAddPasswordAnswerIsOneLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        let app = try #require(try await adapter.discoverClients().first { $0.displayName == "app-00001" })
        try await server.fault(#"{"path_regex":"/addPassword$","kind":"non_json"}"#)
        let line = await errorLine {
            _ = try await adapter.addSecret(to: RemoteClientReference(clientId: app.clientId, objectId: app.objectId),
                                            displayName: "x", expiresAt: nil)
        }
        #expect(line.contains("adding a secret to client \(app.clientId)") && line.contains("not JSON"), "\(line)")
    }

    @Test func aTruncatedAnswerIsOneLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        _ = try await adapter.client(RemoteClientReference(clientId: server.clientId))
        try await server.fault(#"{"path_regex":"\#(Self.applications)","kind":"truncate"}"#)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        #expect(line.hasPrefix("IdP entra-test: listing applications"), "\(line)")
        #expect(line.contains("client-request-id"))
    }

    @Test func aDroppedConnectionIsOneLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        _ = try await adapter.client(RemoteClientReference(clientId: server.clientId))
        try await server.fault(#"{"path_regex":"\#(Self.applications)","kind":"reset"}"#)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        #expect(line.hasPrefix("IdP entra-test: listing applications failed"), "\(line)")
    }

    @Test func aNonJSONTokenAnswerIsOneLine() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        try await server.fault(#"{"path_regex":"\#(Self.token)","kind":"non_json"}"#)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        #expect(line.hasPrefix("IdP entra-test: getting a token for Clientele's app \(server.clientId)"), "\(line)")
        #expect(line.contains("not JSON"), "\(line)")
    }

    @Test func anUnavailableTokenEndpointCannotVerify() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let adapter = server.adapter()
        let app = try #require(try await adapter.discoverClients().first)
        try await server.fault(#"{"path_regex":"\#(Self.token)","status":503,"retry_after":1,"count":4}"#)
        let verdict = try await adapter.verify(SecretText("whatever"), for: RemoteClientReference(clientId: app.clientId))
        try await server.clearFaults()
        guard case .couldNotVerify(let why) = verdict else {
            Issue.record("expected couldNotVerify, got \(verdict)")
            return
        }
        #expect(why.contains("unavailable (HTTP 503)"), "\(why)")
        // A 500 is no evidence either.
        try await server.fault(#"{"path_regex":"\#(Self.token)","status":500}"#)
        let second = try await adapter.verify(SecretText("whatever"), for: RemoteClientReference(clientId: app.clientId))
        guard case .couldNotVerify = second else {
            Issue.record("expected couldNotVerify for a 500, got \(second)")
            return
        }
    }

    @Test func anUnreachableAuthorityIsOneLineNamingTheIdP() async throws {
        let server = try currentServer()
        let port = try closedLoopbackPort()
        let nowhere = "http://127.0.0.1:\(port)"
        var idp = server.identityProvider(name: "entra-unreachable", authority: nowhere)
        idp.settings.graph = nowhere + "/v1.0"
        let adapter = EntraIdentityProvider(
            idp: idp, credential: .secret(SecretText(server.adminSecret)),
            // A short timeout: AsyncHTTPClient retries a refused connection until the request's deadline.
            http: PeerHTTPClient(peer: .identityProvider(idp.name), timeout: .seconds(2), sleep: { _ in }), clock: .wall)
        let line = await errorLine { _ = try await adapter.discoverClients() }
        #expect(line.hasPrefix("IdP entra-unreachable: getting a token"), "\(line)")
        #expect(line.contains("connection refused") && line.contains("client-request-id"), "\(line)")
        #expect(!line.contains(server.adminSecret))
        let verdict = try await adapter.verify(SecretText("x"), for: RemoteClientReference(clientId: server.clientId))
        guard case .couldNotVerify = verdict else {
            Issue.record("expected couldNotVerify, got \(verdict)")
            return
        }
        let status = try await adapter.checkAdminAccess()
        #expect(!status.canAct && status.detail.contains("entra-unreachable"))
    }
}
