import ClienteleCore
import Foundation
import Synchronization
import Testing

@Suite("OIDC registration credential store")
struct OIDCRegistrationCredentialStoreTests {
    let scratch: OIDCTemporaryDirectory
    var directory: URL { scratch.url }
    var credentialsPath: String { directory.appendingPathComponent("registry.credentials").path }
    var keyPath: String { directory.appendingPathComponent("config/clientele/credentials.key").path }

    init() throws { scratch = try OIDCTemporaryDirectory() }

    func makeStore(environment: [String: String] = [:]) -> RegistrationCredentialStore {
        RegistrationCredentialStore(path: credentialsPath, keyFile: keyPath, environment: environment)
    }

    func credential(_ idp: String, _ clientId: String, token: String = UUID().uuidString) -> RegistrationCredential {
        RegistrationCredential(idp: idp, clientId: clientId,
                               registrationClientURI: "https://idp.example.test/register/\(clientId)",
                               registrationAccessToken: SecretText(token))
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        #expect(stat(path, &status) == 0, "\(path) exists")
        return status.st_mode & 0o777
    }

    @Test("round trip: save, read back (also from a second store), list per IdP, replace, remove")
    func roundTrip() throws {
        let store = makeStore()
        #expect(try store.credential(idp: "a", clientId: "x") == nil)
        try store.save(credential("a", "c2", token: "token-c2-first"))
        try store.save(credential("a", "c1", token: "token-c1"))
        try store.save(credential("b", "c1", token: "token-b-c1"))
        try store.save(credential("a", "c2", token: "token-c2-second"))

        let other = makeStore()
        #expect(try other.clientIds(idp: "a") == ["c1", "c2"])
        #expect(try other.clientIds(idp: "b") == ["c1"])
        let read = try #require(try other.credential(idp: "a", clientId: "c2"))
        #expect(read.registrationAccessToken.reveal() == "token-c2-second")
        #expect(read.registrationClientURI == "https://idp.example.test/register/c2")
        #expect(try other.credential(idp: "b", clientId: "c1")?.registrationAccessToken.reveal() == "token-b-c1")

        let onDisk = try Data(contentsOf: URL(fileURLWithPath: credentialsPath))
        #expect(!String(decoding: onDisk, as: UTF8.self).contains("token-c1"), "tokens are encrypted on disk")

        try store.remove(idp: "a", clientId: "c2")
        #expect(try other.credential(idp: "a", clientId: "c2") == nil)
        #expect(try other.clientIds(idp: "a") == ["c1"])
        #expect(try other.clientIds(idp: "b") == ["c1"])
    }

    @Test("the credentials file and the key file are created 0600")
    func ownerOnlyModes() throws {
        let store = makeStore()
        try store.save(credential("a", "c1"))
        #expect(Self.mode(credentialsPath) == 0o600)
        #expect(Self.mode(keyPath) == 0o600)
        try store.save(credential("a", "c2"))
        #expect(Self.mode(credentialsPath) == 0o600, "a rewrite keeps 0600")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("a wrong key is one line naming the file and where the key came from")
    func wrongKey() throws {
        try makeStore().save(credential("a", "c1"))
        let otherKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let wrong = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": otherKey])
        let text = try #require(throws: ClienteleError.self) { try wrong.credential(idp: "a", clientId: "c1") }
            .description
        #expect(text.contains("credentials file \(credentialsPath) cannot be decrypted with the key from $CLIENTELE_CREDENTIALS_KEY"))
        #expect(!text.contains("\n"))
        #expect(!text.contains(otherKey))
    }

    @Test("the key from $CLIENTELE_CREDENTIALS_KEY is used instead of a key file")
    func keyFromEnvironment() throws {
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": key]).save(credential("a", "c1", token: "t1"))
        #expect(!FileManager.default.fileExists(atPath: keyPath), "no key file is made when the variable is set")
        let again = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": key])
        #expect(try again.credential(idp: "a", clientId: "c1")?.registrationAccessToken.reveal() == "t1")
        let short = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": "c2hvcnQ="])
        let text = try #require(throws: ClienteleError.self) { try short.clientIds(idp: "a") }.description
        #expect(text.contains("CLIENTELE_CREDENTIALS_KEY") && text.contains("256-bit"))
    }

    @Test("a key file readable by others is refused with one line naming it")
    func worldReadableKeyFile() throws {
        try makeStore().save(credential("a", "c1"))
        #expect(chmod(keyPath, 0o644) == 0)
        let text = try #require(throws: ClienteleError.self) { try makeStore().clientIds(idp: "a") }.description
        #expect(text.contains(keyPath) && text.contains("readable by others"))
        #expect(!text.contains("\n"))
    }

    @Test("two writers at once lose nothing (flock around read-modify-write)")
    func concurrentWriters() throws {
        let first = makeStore()
        let second = makeStore()
        try first.save(credential("a", "seed"))
        let failures = OIDCWriteFailures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            let store = writer == 0 ? first : second
            for index in 0..<20 {
                do { try store.save(credential("a", "w\(writer)-\(index)")) } catch { failures.add(error) }
            }
        }
        #expect(failures.isEmpty)
        #expect(try first.clientIds(idp: "a").count == 41)
    }
}

/// Errors collected from concurrent writers.
final class OIDCWriteFailures: Sendable {
    private let errors = Mutex<[String]>([])
    func add(_ error: Error) { errors.withLock { $0.append(String(describing: error)) } }
    var isEmpty: Bool { errors.withLock { $0.isEmpty } }
}
