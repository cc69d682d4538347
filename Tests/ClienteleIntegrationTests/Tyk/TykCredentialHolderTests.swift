import ClienteleCore
import Foundation
import Testing

/// The Tyk gateway as holder of its OAuth clients' secrets, behind the IdP adapter shape.
@Suite(.serialized, .tykServer("--apis", "2", "--seed", "tyk-holder"))
struct TykCredentialHolderTests {
    @Test func eachOAuthClientIsOneClientWithOneSecretAndNoOverlap() async throws {
        let server = try currentTykServer()
        let a = try await server.oauthAPI("holder-a")
        let b = try await server.oauthAPI("holder-b")
        let secret = freshTykSecret("holder")
        try await server.policy("holder-pol", granting: [a, b])
        try await server.oauthClient("holder-client", secret: secret, policy: "holder-pol", description: "Holder app")
        try await server.oauthClient("holder-plain", secret: freshTykSecret("plain"), api: b)
        let holder = server.adapter().credentialHolder()
        let capabilities = holder.capabilities
        #expect(!capabilities.allowsOverlap && capabilities.maxActiveSecrets == 1 && !capabilities.choosesExpiry)

        let discovered = try await holder.discoverClients().filter { $0.clientId.hasPrefix("holder-") }
        #expect(discovered.map(\.clientId) == ["holder-client", "holder-plain"])
        let client = try #require(discovered.first)
        #expect(client.objectId == min(a, b))
        #expect(client.displayName == "Holder app")
        #expect(client.secrets.count == 1)
        #expect(client.secrets.first?.keyId == SecretFingerprint.keyId(of: SecretText(secret)))
        #expect(client.secrets.first?.hint == "")
        #expect(client.secrets.first?.expiresAt == nil)
        #expect(discovered.last?.objectId == b)

        let reference = RemoteClientReference(clientId: "holder-client", objectId: client.objectId)
        #expect(try await holder.client(reference)?.secrets.map(\.keyId) == client.secrets.map(\.keyId))
        #expect(try await holder.client(RemoteClientReference(clientId: "holder-none", objectId: a)) == nil)
    }

    @Test func verifyReadsTheClientBackAndTellsARefusalFromAGatewayThatCannotBeAsked() async throws {
        let server = try currentTykServer()
        let api = try await server.oauthAPI("verify-api")
        let secret = freshTykSecret("verify")
        try await server.oauthClient("verify-client", secret: secret, api: api)
        let holder = server.adapter().credentialHolder()
        let reference = RemoteClientReference(clientId: "verify-client", objectId: api)
        #expect(try await holder.verify(SecretText(secret), for: reference) == .accepted)
        guard case .rejected(let why) = try await holder.verify(SecretText(secret + "x"), for: reference) else {
            Issue.record("a wrong secret was not rejected"); return
        }
        #expect(why.contains("verify-client") && !why.contains(secret), "\(why)")
        guard case .rejected = try await holder.verify(SecretText(secret), for: .init(clientId: "verify-none", objectId: api)) else {
            Issue.record("a missing client was not rejected"); return
        }
        try await server.fault(#"{"method":"GET","path_regex":"^/tyk/oauth/clients/apis/","status":500,"count":1}"#)
        let unasked = try await holder.verify(SecretText(secret), for: reference)
        try await server.clearFaults()
        guard case .couldNotVerify(let reason) = unasked else { Issue.record("expected couldNotVerify, got \(unasked)"); return }
        #expect(reason.hasPrefix("gateway tyk-test: ") && reason.contains("verify-client"), "\(reason)")
    }

    @Test func aGoneSecretIsRemovedAndTheOnlyOneIsRefusedInOneLine() async throws {
        let server = try currentTykServer()
        let api = try await server.oauthAPI("remove-api")
        let secret = freshTykSecret("remove")
        try await server.oauthClient("remove-client", secret: secret, api: api)
        let holder = server.adapter().credentialHolder()
        let reference = RemoteClientReference(clientId: "remove-client", objectId: api)
        try await holder.removeSecret("sha256:000000000000", from: reference)
        try await holder.removeSecret(SecretFingerprint.keyId(of: SecretText(secret)),
                                      from: .init(clientId: "remove-none", objectId: api))
        let line = await errorLine {
            try await holder.removeSecret(SecretFingerprint.keyId(of: SecretText(secret)), from: reference)
        }
        #expect(line.hasPrefix("gateway tyk-test: OAuth client remove-client always has exactly one secret"), "\(line)")
        #expect(line.contains("delete the client at Tyk instead") && !line.contains(secret))
        #expect(try await server.secretAt(api, of: "remove-client") == secret)
    }

    @Test func clientsAreNeitherMadeNorDeletedByClientele() async throws {
        let server = try currentTykServer()
        let holder = server.adapter().credentialHolder()
        let made = await errorLine { _ = try await holder.register(displayName: "x", secretLifetime: nil) }
        #expect(made.hasPrefix("gateway tyk-test: Tyk OAuth clients are made at the gateway"), "\(made)")
        let deleted = await errorLine { try await holder.deleteClient(.init(clientId: "someone", objectId: "x")) }
        #expect(deleted.hasPrefix("gateway tyk-test: Tyk OAuth clients are made at the gateway"), "\(deleted)")
        let access = try await holder.checkAdminAccess()
        #expect(access.canAct && access.credentialExpiresAt == nil)
        let refused = try await server.adapter(secret: "wrong").credentialHolder().checkAdminAccess()
        #expect(!refused.canAct && refused.detail.contains("403"), "\(refused.detail)")
    }
}
