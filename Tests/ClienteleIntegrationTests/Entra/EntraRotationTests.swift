import ClienteleCore
import Foundation
import Synchronization
import Testing

/// Rotations through the Entra adapter against the server, where a new secret is refused until it has
/// replicated, as real Entra does for seconds to minutes after addPassword.
@Suite(.serialized, .graphServer())
struct EntraRotationTests {
    /// Hands the rotation service the one adapter under test.
    struct OneAdapter: IdentityProviderAdapters {
        let adapter: EntraIdentityProvider
        func adapter(for idp: IdentityProvider) throws -> any IdentityProviderAdapter { adapter }
    }

    struct Fixture {
        let folder: String
        let registry: Registry
        let service: RotationService
        let client: Client
        let original: SecretText
        let adapter: EntraIdentityProvider
        let waits: Notes
        var reference: RemoteClientReference { RemoteClientReference(clientId: client.clientId, objectId: client.objectId) }
    }

    /// What the rotation said while it waited.
    final class Notes: Sendable {
        let said = Mutex<[String]>([])
    }

    func fixture(_ server: GraphTestServer, allowance: TimeInterval) async throws -> Fixture {
        let folder = NSTemporaryDirectory() + "clientele-entra-rotation-\(UUID().uuidString)"
        let registry = try Registry.open(at: folder + "/registry.sqlite", create: true)
        let idp = try registry.addIdentityProvider(server.identityProvider(), actor: "tests")
        let adapter = server.adapter(secretPropagation: allowance)
        let (remote, first) = try await adapter.register(displayName: "lagging-\(UUID().uuidString.prefix(6))",
                                                         secretLifetime: 90 * 86_400)
        let client = try registry.recordClient(remote, identityProvider: idp, environments: [], origin: .rotated,
                                               actor: "tests")
        let waits = Notes()
        let service = RotationService(registry: registry, adapters: OneAdapter(adapter: adapter),
                                      onWait: { note in waits.said.withLock { $0.append(note) } })
        return Fixture(folder: folder, registry: registry, service: service, client: client, original: first.text,
                       adapter: adapter, waits: waits)
    }

    /// Rotates `f`'s client to a new secret file while the server holds new secrets back for `lag` milliseconds.
    /// The lag is reset before returning (awaited, so it cannot land after the next test has set its own).
    func rotate(_ f: Fixture, on server: GraphTestServer, lag milliseconds: Int) async throws -> RotationOutcome {
        try await server.setPropagation(milliseconds: milliseconds)
        let outcome: Result<RotationOutcome, Error>
        do {
            outcome = .success(try await f.service.rotate(
                RotationRequest(client: f.client.displayName, grace: .days(1), delivery: .file(path: f.folder + "/new.secret")),
                actor: "tests", deliverer: .unattended))
        } catch {
            outcome = .failure(error)
        }
        try await server.setPropagation(milliseconds: 0)
        return try outcome.get()
    }

    @Test func aNewSecretStillReplicatingIsAskedAgainUntilItWorks() async throws {
        let server = try currentServer()
        let f = try await fixture(server, allowance: 30)
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let started = ContinuousClock.now
        let outcome = try await rotate(f, on: server, lag: 2_000)
        guard case .inGrace = outcome.status else { Issue.record("expected grace, got \(outcome.status)"); return }
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(outcome.rotation.verification?.contains("while it replicated") == true)
        let said = f.waits.said.withLock { $0 }
        #expect(!said.isEmpty && said.allSatisfy { $0.contains(f.client.displayName) && $0.contains("replicate") })
        let written = try String(contentsOfFile: f.folder + "/new.secret", encoding: .utf8)
        #expect(try await f.adapter.verify(SecretText(written.trimmingCharacters(in: .whitespacesAndNewlines)),
                                           for: f.reference) == .accepted)
        #expect(try await f.adapter.verify(f.original, for: f.reference) == .accepted)
    }

    @Test func aSecretStillRefusedAfterTheAllowanceIsWithdrawnAndTheOldOneKept() async throws {
        let server = try currentServer()
        let f = try await fixture(server, allowance: 2)
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let outcome = try await rotate(f, on: server, lag: 60_000)
        guard case .failed(let reason) = outcome.status else { Issue.record("expected failure, got \(outcome.status)"); return }
        #expect(reason.contains("AADSTS7000215") && reason.contains("allowed for replication"), "\(reason)")
        // The refused secret was withdrawn; the client keeps exactly its original one, which still works.
        let remote = try #require(try await f.adapter.client(f.reference))
        #expect(remote.secrets.count == 1)
        #expect(try await f.adapter.verify(f.original, for: f.reference) == .accepted)
    }
}
