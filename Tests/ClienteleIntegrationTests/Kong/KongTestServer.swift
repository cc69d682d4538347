import ClienteleCore
import Foundation
import Synchronization
import Testing

/// One `scripts/kong-test-server` (scripts/lib/kong_test_server/README.md) for a test, with plain Admin API calls
/// that act "behind Clientele's back" (not through the adapter), its control API, and Kong's own decK as the
/// independent peer.
final class KongTestServer: Sendable {
    let process: LoopbackServer
    let adminURL: String
    let control: String
    let token: String
    private let http = PeerHTTPClient(peer: .gateway("kong-test-server by hand"), maxAttempts: 1)

    init(_ arguments: String...) throws {
        let process = try LoopbackServer(script: "kong-test-server", arguments: arguments + ["--quiet"])
        self.process = process
        guard let url = process["admin_url"], let control = process["control"] else {
            throw LoopbackServerError(message: "kong-test-server's ready line lacks admin_url or control")
        }
        adminURL = url
        self.control = control
        // With --no-admin-token (Kong OSS's default) there is no token file and no token.
        token = try process["admin_token_file"].map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
    }

    deinit { process.stop() }

    static let scope = GatewayScope(gatewayName: "kong-test", environmentName: "Prod", gatewayEnvironment: "prod")

    func gateway(url: String? = nil) -> Gateway {
        Gateway(name: "kong-test", kind: .kong, settings: GatewaySettings(url: url ?? adminURL),
                credentialSource: .none, createdAt: Date())
    }

    /// A fresh adapter; waits between retries are recorded in `sleeps`, not slept.
    func adapter(token: String? = nil, url: String? = nil, sleeps: SleepLog = SleepLog(), maxAttempts: Int = 4) -> KongGateway {
        KongGateway(
            gateway: gateway(url: url), credential: .secret(SecretText(token ?? self.token)),
            http: PeerHTTPClient(peer: .gateway("kong-test"), maxAttempts: maxAttempts, timeout: .seconds(20),
                                 sleep: { sleeps.record($0) }))
    }

    // MARK: - The Admin API by hand

    @discardableResult
    func admin(_ method: String, _ path: String, _ json: String? = nil) async throws -> (status: Int, body: [String: Any]) {
        let body = json.map { Data($0.utf8) }
        let purpose = "\(method) \(path) by hand"
        // The method's type is NIO's, which this target does not import; spelled out per method instead.
        var request: PeerRequest
        switch method {
        case "POST": request = PeerRequest(method: .POST, url: adminURL + path, body: body, purpose: purpose)
        case "PUT": request = PeerRequest(method: .PUT, url: adminURL + path, body: body, purpose: purpose)
        case "PATCH": request = PeerRequest(method: .PATCH, url: adminURL + path, body: body, purpose: purpose)
        case "DELETE": request = PeerRequest(method: .DELETE, url: adminURL + path, body: body, purpose: purpose)
        default: request = PeerRequest(method: .GET, url: adminURL + path, body: body, purpose: purpose)
        }
        if !token.isEmpty { request.headers.add(name: "Kong-Admin-Token", value: token) }
        if json != nil { request.headers.add(name: "Content-Type", value: "application/json") }
        let response = try await http.send(request)
        let answer = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:]
        return (response.status, answer)
    }

    /// Tags services `api-00001`… `api-0000N` with the environment's tag, as an operator marks what Prod owns.
    func tagServices(_ count: Int, tag: String = "prod") async throws {
        for index in 1...count {
            let (status, _) = try await admin("PATCH", "/services/api-\(String(format: "%05d", index))",
                                              #"{"tags": ["seeded", "\#(tag)"]}"#)
            #expect(status == 200)
        }
    }

    func plugins(on service: String) async throws -> [[String: Any]] {
        try await admin("GET", "/services/\(service)/plugins").body["data"] as? [[String: Any]] ?? []
    }

    // MARK: - Control API

    func fault(_ json: String) async throws {
        var request = PeerRequest(method: .POST, url: control + "/faults", body: Data(json.utf8), purpose: "control faults")
        request.headers.add(name: "Content-Type", value: "application/json")
        let response = try await http.send(request)
        #expect((200..<300).contains(response.status))
    }

    func resetStats() async throws {
        _ = try await http.send(PeerRequest(method: .DELETE, url: control + "/stats", purpose: "control stats"))
    }

    /// Requests per route shape since the last reset, e.g. `"GET /services"`.
    func requests(_ route: String) async throws -> Int {
        let response = try await http.send(PeerRequest(method: .GET, url: control + "/stats", purpose: "control stats"))
        let stats = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let byRoute = stats["by_route"] as? [String: Any] ?? [:]
        return byRoute[route] as? Int ?? 0
    }

    // MARK: - decK

    /// Runs Debian's `/usr/bin/deck` against this server (as Tests/TestServers/kong_server/kong_harness.py does).
    func deck(_ arguments: String...) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/deck")
        process.arguments = arguments + ["--kong-addr", adminURL] + (token.isEmpty ? [] : ["--headers", "Kong-Admin-Token:\(token)"])
        var environment = ProcessInfo.processInfo.environment
        environment["DECK_ANALYTICS"] = "off"
        environment["HOME"] = NSTemporaryDirectory()
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
