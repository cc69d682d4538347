import ClienteleCore
import Foundation
import NIOHTTP1
import Testing

/// One `scripts/tyk-test-server` for a suite, started with `--validate-responses` so every answer it gives these
/// tests is checked against Tyk's OpenAPI document (the peer); the suite fails if any was not allowed. Requests
/// "behind Clientele's back" go straight to the Tyk API through a plain client, never through the adapter.
final class TykTestServer: Sendable {
    @TaskLocal static var current: TykTestServer?

    static let document = LoopbackServer.repositoryRoot
        .appendingPathComponent("Tests/TestServers/tyk_server/contract/gateway-openapi-fragment.yaml").path

    let process: LoopbackServer
    let adminURL: String
    let control: String
    let secret: String
    private let http = PeerHTTPClient(peer: .gateway("tyk-test-server direct"), maxAttempts: 1)

    init(arguments: [String]) throws {
        let process = try LoopbackServer(
            script: "tyk-test-server", arguments: arguments + ["--quiet", "--validate-responses", Self.document], timeout: 120)
        self.process = process
        guard let admin = process["admin_url"], let control = process["control"], let file = process["secret_file"] else {
            throw LoopbackServerError(message: "the tyk-test-server ready line lacks admin_url, control or secret_file")
        }
        adminURL = admin
        self.control = control
        secret = try String(contentsOfFile: file, encoding: .utf8)
    }

    func stop() { process.stop() }

    static let scope = GatewayScope(gatewayName: "tyk-test", environmentName: "Prod", gatewayEnvironment: nil)

    func gateway(url: String? = nil) -> Gateway {
        Gateway(name: "tyk-test", kind: .tyk, settings: GatewaySettings(url: url ?? adminURL),
                credentialSource: .none, createdAt: Date())
    }

    /// A fresh adapter, as a new `clientele` process would have. Retry waits are recorded in `sleeps`, not slept.
    func adapter(secret: String? = nil, url: String? = nil, sleeps: SleepLog = SleepLog()) -> TykGateway {
        let http = PeerHTTPClient(peer: .gateway("tyk-test"), timeout: .seconds(60), sleep: { sleeps.record($0) })
        return TykGateway(gateway: gateway(url: url), credential: .secret(SecretText(secret ?? self.secret)), http: http)
    }

    // MARK: - The Tyk API, directly

    func tyk(_ method: HTTPMethod, _ path: String, _ body: GatewayValue? = nil) async throws -> (Int, GatewayValue) {
        var request = PeerRequest(method: method, url: adminURL + path, purpose: "direct \(method) \(path)")
        request.headers.add(name: "X-Tyk-Authorization", value: secret)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = try JSONEncoder().encode(body)
        }
        let response = try await http.send(request)
        return (response.status, (try? JSONDecoder().decode(GatewayValue.self, from: response.body)) ?? .null)
    }

    func reload() async throws {
        let (status, _) = try await tyk(.GET, "/tyk/reload?block=true")
        #expect(status == 200)
    }

    /// Changes an API definition as someone in the Dashboard would: GET, edit, PUT, reload.
    func editDefinition(_ apiId: String, _ change: (inout [String: GatewayValue]) -> Void) async throws {
        let (status, definition) = try await tyk(.GET, "/tyk/apis/\(apiId)")
        try #require(status == 200)
        var object = try #require(definition.objectValue)
        change(&object)
        let (put, answer) = try await tyk(.PUT, "/tyk/apis/\(apiId)", .object(object))
        #expect(put == 200, "\(answer)")
        try await reload()
    }

    // MARK: - Control API

    func controlRequest(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> GatewayValue {
        var request = PeerRequest(method: method, url: control + path, purpose: "control \(path)")
        if let json {
            request.body = Data(json.utf8)
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await http.send(request)
        #expect((200..<300).contains(response.status), "control \(method) \(path) answered \(response.status)")
        return (try? JSONDecoder().decode(GatewayValue.self, from: response.body)) ?? .null
    }

    func fault(_ json: String) async throws { _ = try await controlRequest(.POST, "/faults", json: json) }
    func clearFaults() async throws { _ = try await controlRequest(.DELETE, "/faults") }
    func resetStats() async throws { _ = try await controlRequest(.POST, "/reset-stats") }

    /// Requests per route template since the last reset, e.g. `"GET /tyk/apis"`.
    func requests(_ route: String) async throws -> Int {
        try await controlRequest(.GET, "/stats")[path: "by_route"]?.objectValue?[route]?.intValue ?? 0
    }

    /// What the server's peer check found: answers checked, and those Tyk's document does not allow.
    func peerCheck() async throws -> (validated: Int, violations: [String]) {
        let report = try await controlRequest(.GET, "/peer-check")
        return (report[path: "validated"]?.intValue ?? 0, report[path: "violations"]?.stringsValue ?? [])
    }

    /// The seeded APIs by name (`api-00001` …).
    func seededAPIs(_ names: [String]) async throws -> [RemoteAPI] {
        let all = try await adapter().apis(in: Self.scope)
        return try names.map { name in try #require(all.first { $0.name == name }, "no seeded \(name)") }
    }
}

/// Starts a tyk-test-server for the suite, and fails the suite if any answer it gave broke Tyk's OpenAPI document.
struct TykServerTrait: SuiteTrait, TestScoping {
    let arguments: [String]
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let server = try TykTestServer(arguments: arguments)
        defer { server.stop() }
        try await TykTestServer.$current.withValue(server) { try await function() }
        let report = try await server.peerCheck()
        #expect(report.validated > 0, "the peer check saw no answers")
        #expect(report.violations.isEmpty, "answers Tyk's OpenAPI document does not allow: \(report.violations)")
    }
}

extension Trait where Self == TykServerTrait {
    /// `.tykServer("--apis", "3")`: a peer-checked tyk-test-server for this suite.
    static func tykServer(_ arguments: String...) -> Self { TykServerTrait(arguments: arguments) }
}

func currentTykServer() throws -> TykTestServer { try #require(TykTestServer.current) }
