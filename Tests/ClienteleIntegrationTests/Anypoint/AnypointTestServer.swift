import ClienteleCore
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// One `scripts/anypoint-test-server --validate-responses` for a suite: every Anypoint response it sends is checked
/// against MuleSoft's OpenAPI fragments by the server itself (the pytest suite's openapi-core validator), and the
/// tests read the verdict from `/_control/contract`. Direct admin calls (changes "behind Clientele's back") and
/// control calls are plain HTTP requests through `PeerHTTPClient`, never through the adapter.
final class AnypointTestServer: Sendable {
    @TaskLocal static var current: AnypointTestServer?

    let process: LoopbackServer
    let baseURL: String
    let organizationId: String
    let environments: [String: String]
    let clientId: String
    let clientSecret: String
    let control: String
    let filesDirectory: String
    private let http = PeerHTTPClient(peer: .gateway("anypoint-test-server control"), maxAttempts: 1)
    private let listed = Mutex<[String: [RemoteAPI]]>([:])

    init(arguments: [String]) throws {
        let process = try LoopbackServer(
            script: "anypoint-test-server", arguments: arguments + ["--validate-responses", "--quiet"], timeout: 120)
        self.process = process
        func field(_ name: String) throws -> String {
            guard let value = process[name] else { throw LoopbackServerError(message: "ready line lacks \(name)") }
            return value
        }
        baseURL = try field("base_url")
        organizationId = try field("organization_id")
        clientId = try field("client_id")
        control = try field("control")
        let secretFile = try field("client_secret_file")
        filesDirectory = (secretFile as NSString).deletingLastPathComponent
        clientSecret = try String(contentsOfFile: secretFile, encoding: .utf8)
        environments = process.ready["environments"] as? [String: String] ?? [:]
    }

    func gateway(name: String = "anypoint-test", url: String? = nil, organizationId: String? = nil) -> Gateway {
        Gateway(
            name: name, kind: .anypoint,
            settings: GatewaySettings(url: url ?? baseURL, organizationId: organizationId ?? self.organizationId,
                                      clientId: clientId),
            credentialSource: .none, createdAt: Date())
    }

    /// A fresh adapter (so a fresh token cache); retry waits go to `sleeps` instead of being slept.
    func adapter(secret: String? = nil, url: String? = nil, organizationId: String? = nil,
                 sleeps: AnypointSleepLog = AnypointSleepLog()) -> AnypointGateway
    {
        let http = PeerHTTPClient(peer: .gateway("anypoint-test"), timeout: .seconds(30), sleep: { sleeps.record($0) })
        return AnypointGateway(
            gateway: gateway(url: url, organizationId: organizationId),
            credential: .secret(SecretText(secret ?? clientSecret)), http: http)
    }

    func scope(_ environment: String = "Prod") -> GatewayScope {
        GatewayScope(gatewayName: "anypoint-test", environmentName: environment,
                     gatewayEnvironment: environments[environment])
    }

    /// The environment's instances as the adapter lists them, read once per suite.
    func apis(_ environment: String = "Prod") async throws -> [RemoteAPI] {
        if let cached = listed.withLock({ $0[environment] }) { return cached }
        let apis = try await adapter().apis(in: scope(environment))
        listed.withLock { $0[environment] = apis }
        return apis
    }

    /// What anypoint-sdk (an independent client) reads on `apis`: per instance id, its policies as
    /// `{policyId, assetId, assetVersion, order, configuration}`. The SDK reads its own envelope shape, which the
    /// fragment does not document, so the server's contract check is reset afterwards.
    func sdkReadBack(_ environment: String, apis: [String]) async throws -> [String: [[String: Any]]] {
        try await listShape("envelope")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", LoopbackServer.repositoryRoot.appendingPathComponent(
            "Tests/TestServers/anypoint_server/sdk_read_back.py").path, baseURL, clientId,
            filesDirectory + "/connected-app-client-secret", organizationId, environments[environment] ?? ""] + apis
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        var data = Data()
        do {
            try process.run()
            data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        } catch {
            try await listShape("array")
            throw error
        }
        try await listShape("array")
        // The envelope is all the check may object to.
        let report = try await contract()
        #expect(report.violations.count == apis.count && report.violations.allSatisfy { $0.contains("/policies -> 200") },
                "\(report.violations)")
        try await resetContract()
        #expect(process.terminationStatus == 0, "sdk_read_back.py exited \(process.terminationStatus)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: [[String: Any]]])
    }

    func stop() {
        kill(process.process.processIdentifier, SIGKILL)  // SIGTERM may be blocked: see GraphTestServer.stop
        process.stop()
        if (filesDirectory as NSString).lastPathComponent.hasPrefix("anypoint-test-server-") {
            try? FileManager.default.removeItem(atPath: filesDirectory)
        }
    }

    // MARK: - Control (scripts/lib/anypoint_test_server/README.md)

    @discardableResult
    func controlCall(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> Data {
        var request = PeerRequest(method: method, url: control + path, body: json.map { Data($0.utf8) },
                                  purpose: "control \(path)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let response = try await http.send(request)
        #expect((200..<300).contains(response.status), "control \(method) \(path) answered \(response.status)")
        return response.body
    }

    func fault(_ json: String) async throws { try await controlCall(.POST, "/faults", json: json) }
    func clearFaults() async throws { try await controlCall(.DELETE, "/faults") }
    func listShape(_ shape: String) async throws {
        try await controlCall(.POST, "/policy-list-shape", json: #"{"shape":"\#(shape)"}"#)
    }

    /// What the server's own contract check has seen since the last reset.
    func contract() async throws -> (checked: Int, violations: [String]) {
        let body = try await controlCall(.GET, "/contract")
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        return (object["checked"] as? Int ?? -1, object["violations"] as? [String] ?? ["unreadable report"])
    }

    func resetContract() async throws { try await controlCall(.DELETE, "/contract") }

    /// Every answer the test received conformed to the OpenAPI fragments, and there were some.
    func expectConformingResponses(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await contract()
        #expect(report.checked > 0, "the server checked no responses", sourceLocation: sourceLocation)
        #expect(report.violations.isEmpty, "\(report.violations)", sourceLocation: sourceLocation)
        try await resetContract()
    }

    // MARK: - API Manager directly, as someone in the portal would

    func adminToken() async throws -> String {
        let body = #"{"client_id":"\#(clientId)","client_secret":"\#(clientSecret)","grant_type":"client_credentials"}"#
        var request = PeerRequest(method: .POST, url: baseURL + "/accounts/api/v2/oauth2/token", body: Data(body.utf8),
                                  purpose: "test token")
        request.headers.add(name: "Content-Type", value: "application/json")
        let response = try await http.send(request)
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        return try #require(object["access_token"] as? String)
    }

    func policiesURL(_ environment: String, api: String) -> String {
        baseURL + "/apimanager/api/v1/organizations/\(organizationId)/environments/\(environments[environment] ?? "")"
            + "/apis/\(api)/policies"
    }

    /// Sends JSON to API Manager with a token of its own; returns status and parsed body.
    @discardableResult
    func direct(_ method: HTTPMethod, _ url: String, json: String? = nil) async throws -> (Int, Any?) {
        var request = PeerRequest(method: method, url: url, body: json.map { Data($0.utf8) }, purpose: "direct call")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(try await adminToken())")
        let response = try await http.send(request)
        return (response.status, try? JSONSerialization.jsonObject(with: response.body))
    }
}

final class AnypointSleepLog: Sendable {
    private let waits = Mutex<[TimeInterval]>([])
    func record(_ wait: TimeInterval) { waits.withLock { $0.append(wait) } }
    var recorded: [TimeInterval] { waits.withLock { $0 } }
}

/// Starts an anypoint-test-server once for the suite it is attached to and stops it when the suite ends.
struct AnypointServerTrait: SuiteTrait, TestScoping {
    let arguments: [String]
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let server = try AnypointTestServer(arguments: arguments)
        defer { server.stop() }
        try await AnypointTestServer.$current.withValue(server) { try await function() }
    }
}

extension Trait where Self == AnypointServerTrait {
    static func anypointServer(_ arguments: String...) -> Self { AnypointServerTrait(arguments: arguments) }
}

func currentAnypointServer() throws -> AnypointTestServer { try #require(AnypointTestServer.current) }
