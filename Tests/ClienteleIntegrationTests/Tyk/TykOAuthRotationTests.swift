import ClienteleCore
import Foundation
import Testing

/// A Tyk OAuth client's secret rotated by the real rotation service, the gateway reached the way a `clientele`
/// process reaches it: an IdP row of kind gateway whose settings name the gateway's row.
@Suite(.serialized, .tykServer("--apis", "2", "--seed", "tyk-rotation"))
struct TykOAuthRotationTests {
    /// The one Tyk test server, as every gateway row's adapter.
    struct TestGateways: GatewayAdapters {
        let server: TykTestServer
        func adapter(for gateway: Gateway) throws -> any GatewayAdapter { server.adapter() }
    }

    struct Fixture {
        let folder: String
        let registry: Registry
        let service: RotationService
        let client: Client
        let holder: any IdentityProviderAdapter
        var reference: RemoteClientReference { RemoteClientReference(client) }
    }

    func fixture(_ server: TykTestServer, clientId: String) async throws -> Fixture {
        let folder = NSTemporaryDirectory() + "clientele-tyk-rotation-\(UUID().uuidString)"
        let registry = try Registry.open(at: folder + "/registry.sqlite", create: true)
        let gateway = try registry.addGateway(server.gateway(), actor: "tests")
        // The gateway's holder row (kind gateway, settings naming the gateway) comes with the gateway.
        let idp = try registry.gatewayHolder(of: gateway)
        #expect(idp.kind == .gateway && idp.settings.gatewayId == gateway.id)
        let adapters = StandardAdapters(registry: registry, gatewayAdapters: TestGateways(server: server))
        let holder = try adapters.adapter(for: idp)
        _ = try await SyncService(registry: registry, adapters: adapters).sync(idp: idp, actor: "tests")
        let client = try registry.resolveClient(clientId)
        return Fixture(folder: folder, registry: registry, service: RotationService(registry: registry, adapters: adapters),
                       client: client, holder: holder)
    }

    /// Every byte Clientele wrote beside the registry (database, WAL, journal), the delivered file left out.
    func registryBytes(_ f: Fixture) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: f.folder).filter { $0 != "new.secret" }
        #expect(names.contains("registry.sqlite"))
        return try names.map { name in
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: f.folder + "/" + name)), as: UTF8.self)
        }.joined()
    }

    @Test func aRotationNeedsConfirmationThenReplacesTheSecretAtOnce() async throws {
        let server = try currentTykServer()
        let api = try await server.oauthAPI("rotate-api")
        let original = freshTykSecret("rotate-original")
        try await server.oauthClient("rotate-client", secret: original, api: api, description: "Rotating app")
        let f = try await fixture(server, clientId: "rotate-client")
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        #expect(f.client.objectId == api)
        let request = RotationRequest(client: f.client.displayName, delivery: .file(path: f.folder + "/new.secret"))

        let preview = try await f.service.preview(request)
        let reason = try #require(preview.confirmationReason, "no overlap must be confirmed")
        #expect(reason.contains("cannot keep two secrets") && reason.contains("Rotating app"), "\(reason)")
        #expect(!preview.overlap)
        let refused = await errorLine { _ = try await f.service.rotate(request, actor: "tests", deliverer: .unattended) }
        #expect(refused.contains("confirm with --yes"), "\(refused)")
        #expect(try await server.secretAt(api, of: "rotate-client") == original, "nothing changed before confirmation")

        var confirmed = request
        confirmed.confirmed = true
        let outcome = try await f.service.rotate(confirmed, actor: "tests", deliverer: .unattended)
        guard case .completed = outcome.status else { Issue.record("expected completed, got \(outcome.status)"); return }
        let delivered = try String(contentsOfFile: f.folder + "/new.secret", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!delivered.isEmpty && delivered != original)
        // Read back behind Clientele's back: the gateway holds exactly the delivered secret.
        #expect(try await server.secretAt(api, of: "rotate-client") == delivered)
        #expect(try await f.holder.verify(SecretText(delivered), for: f.reference) == .accepted)
        guard case .rejected = try await f.holder.verify(SecretText(original), for: f.reference) else {
            Issue.record("the old secret still works"); return
        }
        let newKey = SecretFingerprint.keyId(of: SecretText(delivered))
        #expect(outcome.rotation.newKeyId == newKey)
        let secrets = try f.registry.clientDetail(f.client.id!).secrets
        #expect(secrets.first { $0.keyId == newKey }?.state == .active)
        #expect(secrets.first { $0.keyId == SecretFingerprint.keyId(of: SecretText(original)) }?.state == .removed)
        let stored = try registryBytes(f)
        #expect(!stored.contains(delivered) && !stored.contains(original), "a secret's text is in the registry")
    }

    @Test func aPolicysClientIsRotatedUnderEveryAPIThatHoldsIt() async throws {
        let server = try currentTykServer()
        let a = try await server.oauthAPI("policy-rotate-a")
        let b = try await server.oauthAPI("policy-rotate-b")
        try await server.policy("policy-rotate", granting: [a, b])
        let original = freshTykSecret("policy-original")
        try await server.oauthClient("policy-client", secret: original, policy: "policy-rotate", description: "Policy app")
        let f = try await fixture(server, clientId: "policy-client")
        defer { try? FileManager.default.removeItem(atPath: f.folder) }
        let added = try await f.holder.addSecret(to: f.reference, displayName: "rotation", expiresAt: nil)
        #expect(added.replacedKeyIds == [SecretFingerprint.keyId(of: SecretText(original))])
        #expect(added.metadata.keyId == SecretFingerprint.keyId(of: added.text) && added.metadata.hint == "")
        for api in [a, b] { #expect(try await server.secretAt(api, of: "policy-client") == added.text.reveal()) }
        #expect(try await f.holder.verify(added.text, for: f.reference) == .accepted)
        // A copy left behind (rotated under one API only, as Tyk's endpoint does) is not a working secret.
        let (status, _) = try await server.tyk(.PUT, "/tyk/oauth/clients/\(b)/policy-client/rotate")
        try #require(status == 200)
        guard case .rejected(let why) = try await f.holder.verify(added.text, for: f.reference) else {
            Issue.record("a secret one API no longer takes was accepted"); return
        }
        #expect(why.contains("under API \(b)"), "\(why)")
    }
}
