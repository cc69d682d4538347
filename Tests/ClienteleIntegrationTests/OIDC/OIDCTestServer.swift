import ClienteleCore
import Foundation
import Testing

/// One OIDC provider per suite, glewlwyd (scripts/oidc-test-server) or the strict Authlib-based one
/// (scripts/strict-oidc-test-server): started before the suite's first test, stopped after its last, reached from
/// the tests through a task-local.
struct OIDCTestServer: SuiteTrait, TestScoping {
    @TaskLocal static var current: LoopbackServer?

    var script = "oidc-test-server"
    let arguments: [String]

    /// The server wraps the whole suite once, not each test.
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        let server = try await Self.start(script: script, arguments)
        defer { server.stop() }
        try await Self.$current.withValue(server) { try await function() }
    }

    /// Starts the script from a fresh thread with no blocked signals. A child inherits its parent thread's signal
    /// mask, and Swift concurrency runs on dispatch worker threads that block SIGTERM: started from one of them,
    /// the script never receives `LoopbackServer.stop()`'s SIGTERM and `waitUntilExit` waits forever.
    static func start(script: String, _ arguments: [String]) async throws -> LoopbackServer {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                var nothing = sigset_t()
                sigemptyset(&nothing)
                pthread_sigmask(SIG_SETMASK, &nothing, nil)
                continuation.resume(with: Result(catching: { try LoopbackServer(script: script, arguments: arguments) }))
            }
            thread.start()
        }
    }

    static func issuer() throws -> String {
        let server = try #require(current, "the suite needs the .glewlwyd or .strictOIDC trait")
        return try #require(server["issuer"])
    }
}

extension Trait where Self == OIDCTestServer {
    static func glewlwyd(_ arguments: String...) -> Self { OIDCTestServer(arguments: arguments) }
    static func strictOIDC(_ arguments: String...) -> Self {
        OIDCTestServer(script: "strict-oidc-test-server", arguments: arguments)
    }
}

/// An adapter with its own store and key in a fresh directory (removed afterwards), so tests running in parallel
/// never share credentials.
final class OIDCFixture: Sendable {
    let scratch: OIDCTemporaryDirectory
    let store: RegistrationCredentialStore
    let adapter: OIDCIdentityProvider
    let idpName: String

    init(issuer: String, idpName: String = "glewlwyd-test", initialAccessToken: SecretText? = nil,
         timeout: Int64 = 10, clientManagement: ClientManagementSupport? = nil) throws
    {
        scratch = try OIDCTemporaryDirectory()
        let directory = scratch.url
        self.idpName = idpName
        // The registry keeps the registration access tokens, so the IdP is recorded in one of the fixture's own.
        let registry = try Registry.open(at: directory.appendingPathComponent("registry.sqlite").path, create: true)
        let idp = try registry.addIdentityProvider(IdentityProvider(
            name: idpName, kind: .oidc, settings: IdentityProviderSettings(issuer: issuer, scopes: ["api.read"], clientManagement: clientManagement),
            credentialSource: .none, createdAt: Date()), actor: "tests")
        store = RegistrationCredentialStore(
            registry: registry, keyFile: directory.appendingPathComponent("config/credentials.key").path, environment: [:])
        adapter = OIDCIdentityProvider(
            idp: idp, store: store, http: PeerHTTPClient(peer: .identityProvider(idpName), timeout: .seconds(timeout)),
            clock: .wall, initialAccessToken: initialAccessToken)
    }

    /// A fixture on the suite's server.
    static func onServer(idpName: String = "glewlwyd-test", initialAccessToken: SecretText? = nil) throws -> OIDCFixture {
        try OIDCFixture(issuer: try OIDCTestServer.issuer(), idpName: idpName, initialAccessToken: initialAccessToken)
    }

}

/// A fresh directory, removed when the last reference goes (test suites are structs, so this is their cleanup).
final class OIDCTemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("clientele-oidc-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The text of an error thrown by `body`, or a recorded failure when nothing was thrown.
func oidcErrorLine(_ body: () async throws -> some Any, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
    do {
        _ = try await body()
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return ""
    } catch {
        let text = String(describing: error)
        #expect(!text.contains("\n"), "an error is one line: \(text)", sourceLocation: sourceLocation)
        return text
    }
}
