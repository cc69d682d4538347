import ClienteleCore
import Foundation
import Synchronization
import Testing

/// One `scripts/graph-test-server` for a suite, with the control calls the Entra tests need. Control calls go
/// through `PeerHTTPClient` too, so the tests need no second HTTP stack.
final class GraphTestServer: Sendable {
    /// The server of the suite being run (set by `GraphServerTrait`).
    @TaskLocal static var current: GraphTestServer?

    let process: LoopbackServer
    let authority: String
    let graph: String
    let tenant: String
    let clientId: String
    let control: String
    let adminSecret: String
    let certificatePEM: String
    let privateKeyPEM: String
    /// The server's temporary directory (admin secret, certificate, key).
    let filesDirectory: String
    private let http = PeerHTTPClient(peer: .identityProvider("graph-test-server control"), maxAttempts: 1)

    init(arguments: [String]) throws {
        let process = try LoopbackServer(script: "graph-test-server", arguments: arguments + ["--quiet"])
        self.process = process
        func field(_ name: String) throws -> String {
            guard let value = process[name] else { throw LoopbackServerError(message: "ready line lacks \(name)") }
            return value
        }
        func file(_ name: String) throws -> String {
            try String(contentsOfFile: try field(name), encoding: .utf8)
        }
        authority = try field("authority")
        graph = try field("graph")
        tenant = try field("tenant")
        clientId = try field("client_id")
        control = try field("control")
        filesDirectory = (try field("client_secret_file") as NSString).deletingLastPathComponent
        adminSecret = try file("client_secret_file").trimmingCharacters(in: .whitespacesAndNewlines)
        certificatePEM = try file("certificate_file")
        privateKeyPEM = try file("private_key_file")
    }

    func identityProvider(name: String = "entra-test", authority: String? = nil) -> IdentityProvider {
        IdentityProvider(
            name: name, kind: .entra,
            settings: IdentityProviderSettings(
                tenant: tenant, adminClientId: clientId, authority: authority ?? self.authority, graph: graph),
            credentialSource: .none, createdAt: Date())
    }

    /// A fresh adapter (so a fresh token cache). Waits between retries are recorded in `sleeps`, not slept.
    func adapter(certificate: Bool = false, sleeps: SleepLog = SleepLog(), maxAttempts: Int = 4,
                 name: String = "entra-test",
                 secretPropagation: TimeInterval = EntraIdentityProvider.defaultSecretPropagation) -> EntraIdentityProvider
    {
        let credential: AdminCredential = certificate
            ? .certificate(certificatePEM: certificatePEM, privateKeyPEM: SecretText(privateKeyPEM))
            : .secret(SecretText(adminSecret))
        let http = PeerHTTPClient(
            peer: .identityProvider(name), maxAttempts: maxAttempts, timeout: .seconds(20), sleep: { sleeps.record($0) })
        return EntraIdentityProvider(idp: identityProvider(name: name), credential: credential, http: http,
                                     clock: .wall, secretPropagation: secretPropagation)
    }

    /// Stops the server and removes its files. SIGKILL, not LoopbackServer's SIGTERM: a process spawned from a
    /// libdispatch worker thread inherits that thread's signal mask, in which SIGTERM is blocked, so the server
    /// never sees SIGTERM and `LoopbackServer.stop()` waits forever. Killed, it cannot remove its temporary
    /// directory (which holds the admin secret and key), so that is done here.
    func stop() {
        kill(process.process.processIdentifier, SIGKILL)
        process.stop()
        if (filesDirectory as NSString).lastPathComponent.hasPrefix("graph-test-server-") {
            try? FileManager.default.removeItem(atPath: filesDirectory)
        }
    }

    // MARK: - Control API (scripts/lib/graph_test_server/README.md)

    @discardableResult
    func post(_ path: String, json: String = "{}") async throws -> Data {
        var request = PeerRequest(method: .POST, url: control + path, body: Data(json.utf8),
                                              purpose: "control \(path)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let response = try await http.send(request)
        #expect((200..<300).contains(response.status), "control POST \(path) answered \(response.status)")
        return response.body
    }

    func get(_ path: String) async throws -> [String: Any] {
        let response = try await http.send(PeerRequest(method: .GET, url: control + path,
                                                                  purpose: "control \(path)"))
        return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    func fault(_ json: String) async throws { try await post("/faults", json: json) }

    func clearFaults() async throws {
        _ = try await http.send(PeerRequest(method: .DELETE, url: control + "/faults", purpose: "control"))
    }

    func setAdminSecret(_ state: String) async throws { try await post("/admin-secret", json: #"{"state":"\#(state)"}"#) }

    func resetStats() async throws { try await post("/reset-stats") }

    /// Secrets added from now on are refused by the token endpoint for `milliseconds` (Entra's replication lag).
    func setPropagation(milliseconds: Int) async throws { try await post("/propagation", json: #"{"ms":\#(milliseconds)}"#) }

    /// Requests per route since the last reset, e.g. `"POST /{tenant}/oauth2/v2.0/token"`.
    func requests(_ route: String) async throws -> Int {
        let byRoute = try #require(try await get("/stats")["by_route"] as? [String: Any])
        return byRoute[route] as? Int ?? 0
    }

    static let tokenRoute = "POST /{tenant}/oauth2/v2.0/token"
    static let listRoute = "GET /v1.0/applications"

    /// Applications the admin does not own (Graph hides them), as `(object id, app id)`.
    func unownedApplications() async throws -> [(id: String, appId: String)] {
        let value = try #require(try await get("/unowned-applications")["value"] as? [[String: Any]])
        return value.compactMap { entry in
            guard let id = entry["id"] as? String, let appId = entry["appId"] as? String else { return nil }
            return (id, appId)
        }
    }
}

/// Retry waits the shared HTTP client asked for, recorded instead of slept so the tests stay fast.
final class SleepLog: Sendable {
    private let waits = Mutex<[TimeInterval]>([])
    func record(_ wait: TimeInterval) { waits.withLock { $0.append(wait) } }
    var recorded: [TimeInterval] { waits.withLock { $0 } }
}

/// Starts a graph-test-server once for the suite it is attached to and stops it when the suite ends.
struct GraphServerTrait: SuiteTrait, TestScoping {
    let arguments: [String]
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let server = try GraphTestServer(arguments: arguments)
        defer { server.stop() }
        try await GraphTestServer.$current.withValue(server) { try await function() }
    }
}

extension Trait where Self == GraphServerTrait {
    /// `.graphServer("--applications", "3")`: a graph-test-server for this suite.
    static func graphServer(_ arguments: String...) -> Self { GraphServerTrait(arguments: arguments) }
}

/// The server of the running suite.
func currentServer() throws -> GraphTestServer { try #require(GraphTestServer.current) }

/// The error line a call threw, or a test failure saying it did not throw one.
func errorLine(_ body: () async throws -> Void) async -> String {
    do {
        try await body()
        Issue.record("expected an error")
        return ""
    } catch {
        let line = String(describing: error)
        // Printed so a test log shows what an operator would read.
        print("error line: \(line)")
        #expect(!line.contains("\n"), "not one line: \(line)")
        return line
    }
}
