import ClienteleCore
import Foundation
import Testing

/// The Anypoint organization as the holder of its applications' secrets, against the Anypoint test server: one
/// set per application, a rotation through the real `RotationService` (the IdP row of kind gateway reaching the
/// holder through `StandardAdapters`, as a `clientele` process does) that resets the secret at once, verification
/// by reading the application back, and what it refuses.
@Suite(.serialized, .anypointServer("--apis", "2", "--applications", "260", "--seed", "clientele-anypoint-holder"))
struct AnypointCredentialHolderTests {
    func unique(_ prefix: String) -> String { "\(prefix) \(UUID().uuidString.prefix(8))" }

    func holder(_ server: AnypointTestServer) -> any IdentityProviderAdapter { server.adapter().credentialHolder() }

    /// An application as an external client provider left it, and how the holder names it.
    func seeded(_ server: AnypointTestServer, _ name: String) async throws
        -> (id: Int, secret: String, reference: RemoteClientReference)
    {
        let clientId = UUID().uuidString.lowercased()
        let secret = "copy-" + UUID().uuidString
        let id = try await server.seedApplication(name: unique(name), clientId: clientId, secret: secret)
        return (id, secret, RemoteClientReference(clientId: clientId, objectId: String(id)))
    }

    @Test func discoverClientsReportsOneSetPerApplicationWithOneFingerprintedSecret() async throws {
        let server = try currentAnypointServer()
        let app = try await seeded(server, "Orders")
        let holder = holder(server)
        #expect(holder.capabilities == IdentityProviderCapabilities(
            allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1, choosesExpiry: false))
        let clients = try await holder.discoverClients()
        #expect(clients.count >= 261 && Set(clients.map(\.clientId)).count == clients.count)
        let found = try #require(clients.first { $0.objectId == String(app.id) })
        #expect(found.clientId == app.reference.clientId && found.displayName.hasPrefix("Orders"))
        #expect(found.secrets.map(\.keyId) == [SecretFingerprint.keyId(of: SecretText(app.secret))])
        #expect(found.secrets.allSatisfy { $0.hint == "" && $0.expiresAt == nil && $0.displayName == "client secret" })
        // By client id alone, and not under another application's id.
        #expect(try await holder.client(RemoteClientReference(clientId: app.reference.clientId)) == found)
        let other = try #require(clients.first { $0.objectId != String(app.id) })
        #expect(try await holder.client(RemoteClientReference(clientId: app.reference.clientId, objectId: other.objectId)) == nil)
        try await server.expectConformingResponses()
    }

    @Test func aRotationResetsTheSecretAtOnceAndTheRegistryNeverHoldsIt() async throws {
        let server = try currentAnypointServer()
        let app = try await seeded(server, "Payments")
        let folder = NSTemporaryDirectory() + "clientele-anypoint-rotation-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let registry = try Registry.open(at: folder + "/registry.sqlite", create: true)
        var gateway = server.gateway()
        gateway.credentialSource = .file(server.filesDirectory + "/connected-app-client-secret")
        // Adding the gateway makes its holder: the IdP row of kind gateway that names it by row id.
        let idp = try registry.gatewayHolder(of: try registry.addGateway(gateway, actor: "tests"))
        #expect(idp.kind == .gateway && idp.name == "anypoint-test")
        let adapters = StandardAdapters(
            registry: registry, gatewayAdapters: StandardGatewayAdapters(registryPath: registry.path, clock: .wall))
        let holder = try adapters.adapter(for: idp)
        let remote = try #require(try await holder.client(app.reference))
        let client = try registry.recordClient(remote, identityProvider: idp, environments: [], origin: .discovered,
                                               actor: "tests")
        let service = RotationService(registry: registry, adapters: adapters)
        let request = RotationRequest(client: client.displayName, delivery: .file(path: folder + "/new.secret"))

        // No overlap: the service asks first, and nothing has changed at the gateway.
        await #expect(throws: ClienteleError.self) { try await service.rotate(request, actor: "tests", deliverer: .unattended) }
        #expect(try await server.shownSecret(app.id) == app.secret)

        var confirmed = request
        confirmed.confirmed = true
        let outcome = try await service.rotate(confirmed, actor: "tests", deliverer: .unattended)
        #expect(outcome.status == .completed, "\(outcome.summary)")
        let written = try String(contentsOfFile: folder + "/new.secret", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = try await server.shownSecret(app.id)
        #expect(written != app.secret && written == shown)
        #expect(try await holder.verify(SecretText(written), for: app.reference) == .accepted)
        guard case .rejected(let reason) = try await holder.verify(SecretText(app.secret), for: app.reference) else {
            Issue.record("the old secret still verifies"); return
        }
        #expect(reason == "gateway anypoint-test: client application \(remote.displayName) (\(app.id)) holds another client secret")

        let secrets = try registry.clientDetail(client.id!).secrets
        let newKey = SecretFingerprint.keyId(of: SecretText(written))
        let oldKey = SecretFingerprint.keyId(of: SecretText(app.secret))
        #expect(secrets.first { $0.keyId == newKey }?.state == .active)
        #expect(secrets.first { $0.keyId == oldKey }?.state == .removed)
        #expect(secrets.allSatisfy { $0.hint == "" })
        // Neither secret's text in the registry's files (database, WAL), audit trail included.
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasPrefix("registry") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            #expect(bytes.range(of: Data(written.utf8)) == nil && bytes.range(of: Data(app.secret.utf8)) == nil, "\(file)")
        }
        try await server.expectConformingResponses()
    }

    @Test func verifyRejectsAWrongSecretAndSaysWhenTheGatewayCannotBeAsked() async throws {
        let server = try currentAnypointServer()
        let app = try await seeded(server, "Reporting")
        let holder = holder(server)
        #expect(try await holder.verify(SecretText(app.secret), for: app.reference) == .accepted)
        let name = try #require(try await holder.client(app.reference)).displayName
        #expect(try await holder.verify(SecretText("wrong-" + app.secret), for: app.reference)
            == .rejected("gateway anypoint-test: client application \(name) (\(app.id)) holds another client secret"))
        try await server.fault(#"{"kind":"status","status":503,"retry_after":0,"count":10,"method":"GET","path_regex":"/applications/\#(app.id)$"}"#)
        let unasked = try await server.adapter(sleeps: AnypointSleepLog()).credentialHolder()
            .verify(SecretText(app.secret), for: app.reference)
        try await server.clearFaults()
        guard case .couldNotVerify(let reason) = unasked else { Issue.record("expected couldNotVerify, got \(unasked)"); return }
        #expect(reason.hasPrefix("gateway anypoint-test: reading client application \(app.id)"), "\(reason)")
        #expect(!reason.contains(app.secret))
        try await server.resetContract()
    }

    @Test func removeSecretIsDoneForAReplacedSecretAndRefusedForTheCurrentOne() async throws {
        let server = try currentAnypointServer()
        let app = try await seeded(server, "Inventory")
        let holder = holder(server)
        let oldKey = SecretFingerprint.keyId(of: SecretText(app.secret))
        let line = await errorLine { try await holder.removeSecret(oldKey, from: app.reference) }
        #expect(line.hasPrefix("gateway anypoint-test: secret \(oldKey) is the only client secret of client application Inventory"), "\(line)")
        #expect(line.hasSuffix("Anypoint cannot remove it, only replace it: rotate client \(app.reference.clientId) instead"), "\(line)")
        #expect(try await server.shownSecret(app.id) == app.secret)

        let new = try await holder.addSecret(to: app.reference, displayName: "ignored", expiresAt: nil)
        #expect(new.replacedKeyIds == [oldKey] && new.metadata.keyId == SecretFingerprint.keyId(of: new.text))
        let shown = try await server.shownSecret(app.id)
        #expect(new.metadata.hint == "" && new.text.reveal() == shown)
        try await holder.removeSecret(oldKey, from: app.reference)  // the reset removed it: done
        try await server.deleteApplication(app.id)
        try await holder.removeSecret(new.metadata.keyId, from: app.reference)  // application gone: done
        #expect(try await holder.client(app.reference) == nil)
        let gone = await errorLine { _ = try await holder.addSecret(to: app.reference, displayName: "x", expiresAt: nil) }
        #expect(gone == "gateway anypoint-test: no client application has client id \(app.reference.clientId) any more")
        try await server.expectConformingResponses()
    }

    @Test func applicationsAreNeitherMadeNorRemovedByTheHolderAndAccessIsChecked() async throws {
        let server = try currentAnypointServer()
        let holder = holder(server)
        let made = await errorLine { _ = try await holder.register(displayName: "new", secretLifetime: nil) }
        #expect(made == "gateway anypoint-test: client applications are made at the gateway (Exchange or the API's portal), not by Clientele")
        let removed = await errorLine { try await holder.deleteClient(RemoteClientReference(clientId: "abc")) }
        #expect(removed.hasPrefix("gateway anypoint-test: client applications are removed at the gateway"))
        let access = try await holder.checkAdminAccess()
        #expect(access.canAct && access.credentialExpiresAt == nil)
        #expect(access.detail == "gateway anypoint-test: connected app \(server.clientId) can read and reset the client applications of organization \(server.organizationId)")
        let refused = try await server.adapter(secret: "wrong").credentialHolder().checkAdminAccess()
        #expect(!refused.canAct && refused.detail.contains("was refused at the token endpoint"), "\(refused.detail)")
        try await server.resetContract()
    }
}
