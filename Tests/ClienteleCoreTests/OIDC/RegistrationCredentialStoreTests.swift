import Foundation
import Synchronization
import Testing
@testable import ClienteleCore

/// Registration access tokens in the registry, on either engine (`CLIENTELE_TEST_ENGINE=postgres` runs these on
/// PostgreSQL): sealed per row, bound to their IdP and client, shared by every process that has the key.
@Suite struct RegistrationCredentialStoreTests {
    let test: TestRegistry
    let idp: IdentityProvider

    init() throws {
        test = try TestRegistry()
        idp = try Self.addOIDC("a", to: test.registry)
        _ = try Self.addOIDC("b", to: test.registry)
    }

    static func addOIDC(_ name: String, to registry: Registry) throws -> IdentityProvider {
        try registry.addIdentityProvider(
            IdentityProvider(name: name, kind: .oidc, settings: IdentityProviderSettings(issuer: "https://\(name).example.test"),
                             credentialSource: .none, createdAt: Date()),
            actor: "tests")
    }

    var keyPath: String { test.tempFile("config/clientele/credentials.key") }

    func makeStore(registry: Registry? = nil, environment: [String: String] = [:], keyFile: String? = nil)
        -> RegistrationCredentialStore
    {
        RegistrationCredentialStore(registry: registry ?? test.registry, keyFile: keyFile ?? keyPath, environment: environment)
    }

    static func credential(_ idp: String, _ clientId: String, token: String = UUID().uuidString) -> RegistrationCredential {
        RegistrationCredential(idp: idp, clientId: clientId,
                               registrationClientURI: "https://idp.example.test/register/\(clientId)",
                               registrationAccessToken: SecretText(token))
    }

    static func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }

    @Test func roundTripAcrossStoresWithTheTokensNeverInClear() throws {
        let store = makeStore()
        #expect(try store.credential(idp: "a", clientId: "x") == nil)
        try store.save(Self.credential("a", "c2", token: "token-c2-first"))
        try store.save(Self.credential("a", "c1", token: "token-c1"))
        try store.save(Self.credential("b", "c1", token: "token-b-c1"))
        try store.save(Self.credential("a", "c2", token: "token-c2-second"))

        // Another process on the same registry, with the same key.
        let other = makeStore(registry: try Registry.open(at: test.location))
        #expect(try other.clientIds(idp: "a") == ["c1", "c2"])
        #expect(try other.clientIds(idp: "A") == ["c1", "c2"], "IdP names match as people type them")
        #expect(try other.clientIds(idp: "b") == ["c1"])
        let read = try #require(try other.credential(idp: "a", clientId: "c2"))
        #expect(read.registrationAccessToken.reveal() == "token-c2-second")
        #expect(read.registrationClientURI == "https://idp.example.test/register/c2")
        #expect(try other.credential(idp: "b", clientId: "c1")?.registrationAccessToken.reveal() == "token-b-c1")

        try test.registry.checkpoint()
        let stored = try test.everythingStored()
        for text in ["token-c1", "token-c2", "token-b-c1", "idp.example.test/register"] {
            #expect(!stored.contains(text), "\(text) is sealed")
        }

        try store.remove(idp: "a", clientId: "c2")
        #expect(try other.credential(idp: "a", clientId: "c2") == nil)
        #expect(try other.clientIds(idp: "a") == ["c1"])
        #expect(try other.clientIds(idp: "b") == ["c1"])
        #expect(try other.clientIds(idp: "unknown").isEmpty)
    }

    @Test func theCurrentSecretIsUpdatedInsideTheSealedRowWithoutTouchingTheToken() throws {
        let store = makeStore()
        try store.save(Self.credential("a", "c1", token: "t1"))
        let secret = RemoteSecret(
            keyId: "k1", hint: "ab", displayName: "current", createdAt: Date(timeIntervalSince1970: 1_800_000_000), expiresAt: nil)
        try store.updateCurrentSecret(secret, idp: "a", clientId: "c1")
        try store.updateCurrentSecret(secret, idp: "a", clientId: "missing")
        let read = try #require(try store.credential(idp: "a", clientId: "c1"))
        #expect(read.currentSecret?.keyId == "k1")
        #expect(read.currentSecret?.createdAt == secret.createdAt)
        #expect(read.registrationAccessToken.reveal() == "t1")
        #expect(try store.credential(idp: "a", clientId: "missing") == nil)
    }

    @Test func aTokenForAnIdPNotInTheRegistryIsRefusedInOneLine() throws {
        let text = try #require(throws: ClienteleError.self) {
            try makeStore().save(Self.credential("nowhere", "c1"))
        }.description
        #expect(text.contains("nowhere") && !text.contains("\n"))
    }

    @Test func aRowMovedOntoAnotherClientOrIdPDoesNotOpen() throws {
        let store = makeStore()
        try store.save(Self.credential("a", "c1", token: "t1"))
        try store.save(Self.credential("a", "c2", token: "t2"))
        try store.save(Self.credential("b", "c3", token: "t3"))
        let rows = try test.registry.sealedRegistrationCredentials(idp: "a")
        let sealedC1 = try #require(rows.first { $0.clientId == "c1" }).sealed
        // Someone with write access to the database copies c1's box onto c2 and onto b's c3.
        try test.registry.writeRegistrationCredential(idp: "a", clientId: "c2") { _, _ in sealedC1 }
        try test.registry.writeRegistrationCredential(idp: "b", clientId: "c3") { _, _ in sealedC1 }
        for (idp, client) in [("a", "c2"), ("b", "c3")] {
            let text = try #require(throws: ClienteleError.self) { try store.credential(idp: idp, clientId: client) }
                .description
            #expect(text.contains("client \(client)") && text.contains("cannot be decrypted"))
        }
        #expect(try store.credential(idp: "a", clientId: "c1")?.registrationAccessToken.reveal() == "t1")
    }

    @Test func aWrongKeyIsOneLineNamingWhereTheKeyCameFrom() throws {
        try makeStore().save(Self.credential("a", "c1"))
        let otherKey = Self.randomKey()
        let wrong = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": otherKey])
        let text = try #require(throws: ClienteleError.self) { try wrong.credential(idp: "a", clientId: "c1") }
            .description
        #expect(text.contains("cannot be decrypted with the key from $CLIENTELE_CREDENTIALS_KEY"))
        #expect(text.contains("every process sharing the registry needs the same key"))
        #expect(!text.contains("\n"))
        #expect(!text.contains(otherKey))
        let fromFile = makeStore(keyFile: test.tempFile("other.key"))
        let fileText = try #require(throws: ClienteleError.self) { try fromFile.clientIds(idp: "a") }.description
        #expect(fileText.contains("key file \(test.tempFile("other.key"))"))
    }

    @Test func theKeyFileIsCreatedOwnerOnlyAndNoFileIsWrittenBesideTheRegistry() throws {
        try makeStore().save(Self.credential("a", "c1"))
        var status = stat()
        #expect(stat(keyPath, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: RegistrationCredentialStore.legacyPath(besideRegistry: test.path)))
        #expect(chmod(keyPath, 0o644) == 0)
        let text = try #require(throws: ClienteleError.self) { try makeStore().clientIds(idp: "a") }.description
        #expect(text.contains(keyPath) && text.contains("readable by others") && !text.contains("\n"))
    }

    @Test func theKeyFromTheEnvironmentIsUsedInsteadOfAKeyFile() throws {
        let key = Self.randomKey()
        try makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": key]).save(Self.credential("a", "c1", token: "t1"))
        #expect(!FileManager.default.fileExists(atPath: keyPath), "no key file is made when the variable is set")
        let again = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": key])
        #expect(try again.credential(idp: "a", clientId: "c1")?.registrationAccessToken.reveal() == "t1")
        let short = makeStore(environment: ["CLIENTELE_CREDENTIALS_KEY": "c2hvcnQ="])
        let text = try #require(throws: ClienteleError.self) { try short.save(Self.credential("a", "c2")) }.description
        #expect(text.contains("CLIENTELE_CREDENTIALS_KEY") && text.contains("256-bit"))
    }

    @Test func twoWritersOnTwoHandlesLoseNothing() throws {
        let first = makeStore()
        let second = makeStore(registry: try Registry.open(at: test.location))
        try first.save(Self.credential("a", "seed"))
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            let store = writer == 0 ? first : second
            for index in 0..<20 {
                do { try store.save(Self.credential("a", "w\(writer)-\(index)")) } catch { failures.add(error) }
            }
        }
        #expect(failures.isEmpty)
        #expect(try first.clientIds(idp: "a").count == 41)
    }

    @Test func removingTheIdPForgetsItsTokens() throws {
        let store = makeStore()
        try store.save(Self.credential("a", "c1"))
        try store.save(Self.credential("b", "c1"))
        let refused = try #require(throws: ClienteleError.self) {
            try test.registry.removeIdentityProvider(named: "a", force: false, actor: "tests")
        }.description
        #expect(refused.contains("1 registration access tokens") && refused.contains("--force"))
        try test.registry.removeIdentityProvider(named: "a", force: true, actor: "tests")
        #expect(try test.registry.sealedRegistrationCredentials(idp: "a").isEmpty)
        #expect(try store.clientIds(idp: "b") == ["c1"])
        _ = try Self.addOIDC("a", to: test.registry)
        #expect(try store.clientIds(idp: "a").isEmpty, "a new IdP of the same name has none of the old one's")
    }
}

/// A registry that still has `registry.credentials` beside it, as earlier Clientele kept the tokens.
@Suite struct LegacyRegistrationCredentialsImportTests {
    let test: TestRegistry
    let key = RegistrationCredentialStoreTests.randomKey()
    var environment: [String: String] { ["CLIENTELE_CREDENTIALS_KEY": key] }
    var legacyPath: String { RegistrationCredentialStore.legacyPath(besideRegistry: test.path) }

    init() throws {
        test = try TestRegistry(engine: .sqlite)
        _ = try RegistrationCredentialStoreTests.addOIDC("glew", to: test.registry)
    }

    func writeLegacyFile(key: String? = nil) throws {
        var content = RegistrationCredentialsFileContent()
        for (idp, client) in [("glew", "c1"), ("glew", "c2"), ("gone", "c3")] {
            content.entries.append(.init(RegistrationCredentialStoreTests.credential(idp, client, token: "legacy-\(client)")))
        }
        content.entries[0].currentSecret = .init(
            keyId: "k1", hint: "ab", displayName: "first", createdAt: Date(timeIntervalSince1970: 1_800_000_000), expiresAt: nil)
        let sealing = try CredentialsKey.load(keyFile: "/nonexistent", environment: ["CLIENTELE_CREDENTIALS_KEY": key ?? self.key])
        try LegacyRegistrationCredentialsFile.write(content, to: legacyPath, key: sealing)
        #expect(FileManager.default.createFile(atPath: legacyPath + ".lock", contents: nil))
    }

    @Test func itsEntriesAreImportedOnceAndTheFileIsRenamed() throws {
        try writeLegacyFile()
        let store = RegistrationCredentialStore(registry: test.registry, environment: environment)
        #expect(try store.clientIds(idp: "glew") == ["c1", "c2"])
        let first = try #require(try store.credential(idp: "glew", clientId: "c1"))
        #expect(first.registrationAccessToken.reveal() == "legacy-c1")
        #expect(first.currentSecret?.keyId == "k1")

        #expect(!FileManager.default.fileExists(atPath: legacyPath))
        #expect(!FileManager.default.fileExists(atPath: legacyPath + ".lock"))
        var status = stat()
        #expect(stat(legacyPath + ".imported", &status) == 0 && status.st_mode & 0o777 == 0o600)
        let events = try test.registry.auditEvents(mentioning: "registration-credentials")
        #expect(events.count == 1)
        #expect(events.first.map { Dictionary(uniqueKeysWithValues: $0.detailPairs) } == ["imported": "2", "leftOut": "1"])
        #expect(try test.registry.verifyAuditTrail().isIntact)

        // Another process, and the same file put back: imported once.
        try FileManager.default.moveItem(atPath: legacyPath + ".imported", toPath: legacyPath)
        let again = RegistrationCredentialStore(registry: try Registry.open(at: test.location), environment: environment)
        #expect(try again.clientIds(idp: "glew") == ["c1", "c2"])
        #expect(try test.registry.auditEvents(mentioning: "registration-credentials").count == 1)
        try test.registry.checkpoint()
        #expect(!(try test.everythingStored()).contains("legacy-c"), "imported tokens are sealed")
    }

    @Test func aRowWrittenSinceStandsOverTheFilesEntry() throws {
        let store = RegistrationCredentialStore(registry: test.registry, environment: environment)
        try store.save(RegistrationCredentialStoreTests.credential("glew", "c1", token: "newer"))
        try writeLegacyFile()
        let fresh = RegistrationCredentialStore(registry: test.registry, environment: environment)
        #expect(try fresh.credential(idp: "glew", clientId: "c1")?.registrationAccessToken.reveal() == "newer")
        #expect(try fresh.credential(idp: "glew", clientId: "c2")?.registrationAccessToken.reveal() == "legacy-c2")
    }

    @Test func aFileSealedWithAnotherKeyIsOneLineAndStaysWhereItIs() throws {
        try writeLegacyFile(key: RegistrationCredentialStoreTests.randomKey())
        let store = RegistrationCredentialStore(registry: test.registry, environment: environment)
        let text = try #require(throws: ClienteleError.self) { try store.clientIds(idp: "glew") }.description
        #expect(text.contains("credentials file \(legacyPath) cannot be decrypted with the key from $CLIENTELE_CREDENTIALS_KEY"))
        #expect(!text.contains("\n") && !text.contains(key))
        #expect(FileManager.default.fileExists(atPath: legacyPath))
        #expect(try test.registry.sealedRegistrationCredentials(idp: "glew").isEmpty)
    }
}

/// Two teammates' processes on one PostgreSQL registry, each with its own home but the team's key.
@Suite struct SharedRegistrationCredentialsTests {
    @Test func teammatesWithTheSameKeySeeEachOthersCredentials() throws {
        let url = try TestPostgres.freshDatabase("credentials")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-team-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = RegistrationCredentialStoreTests.randomKey()
        let alice = try Registry.open(at: url, create: true)
        _ = try RegistrationCredentialStoreTests.addOIDC("glew", to: alice)
        let bob = try Registry.open(at: url)
        func store(_ registry: Registry, home: String, key: String?) -> RegistrationCredentialStore {
            RegistrationCredentialStore(
                registry: registry, keyFile: folder.appendingPathComponent("\(home)/credentials.key").path,
                environment: key.map { ["CLIENTELE_CREDENTIALS_KEY": $0] } ?? [:])
        }
        try store(alice, home: "alice", key: key).save(RegistrationCredentialStoreTests.credential("glew", "partner", token: "alice-token"))
        let bobs = store(bob, home: "bob", key: key)
        #expect(try bobs.credential(idp: "glew", clientId: "partner")?.registrationAccessToken.reveal() == "alice-token")
        try bobs.save(RegistrationCredentialStoreTests.credential("glew", "partner", token: "bob-rotated"))
        #expect(try store(alice, home: "alice", key: key).credential(idp: "glew", clientId: "partner")?
            .registrationAccessToken.reveal() == "bob-rotated")
        let rows = try TestPostgres.strings(url, "SELECT CAST(t AS TEXT) FROM registrationCredential t").joined()
        #expect(!rows.isEmpty && !rows.contains("bob-rotated") && !rows.contains(Data("bob-rotated".utf8).map { String(format: "%02x", $0) }.joined()))
        // A teammate without the key (a key file of their own, made on first use) is told which key was used.
        let text = try #require(throws: ClienteleError.self) {
            try store(bob, home: "carol", key: nil).clientIds(idp: "glew")
        }.description
        #expect(text.contains("key file \(folder.path)/carol/credentials.key") && !text.contains("\n"))
    }
}

/// Errors collected from concurrent writers.
final class Failures: Sendable {
    private let errors = Mutex<[String]>([])
    func add(_ error: Error) { errors.withLock { $0.append(String(describing: error)) } }
    var isEmpty: Bool { errors.withLock { $0.isEmpty } }
}
