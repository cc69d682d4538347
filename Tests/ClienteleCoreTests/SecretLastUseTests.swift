import Foundation
import Testing
@testable import ClienteleCore

/// Last use through the registry: sync records what the sandbox saw, the removal preview says it, and
/// `secrets unused` lists only what an IdP that can tell reports as unused for the window.
@Suite struct SecretLastUseTests {
    @Test func syncRecordsEachVerificationAndTheRemovalPreviewSaysIt() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (client, secret) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        let adapters = StandardAdapters(registry: test.registry)
        let removal = SecretRemoval(registry: test.registry, adapters: adapters)

        // Before any read, nobody can tell yet.
        let unread = try removal.preview(client: "billing-api", keyId: try #require(test.registry.clientDetail(client.id!).secrets.first).keyId)
        #expect(unread.consequences[1].contains("last use unknown (not read from the IdP yet"))

        #expect(try await sandbox.verify(secret, for: RemoteClientReference(client)) == .accepted)
        let usedAt = test.clock.now
        test.clock.advance(days: 0.125)
        let report = try await SyncService(registry: test.registry, adapters: adapters).sync(idp: idp, actor: "tests")
        #expect(report.usageNote == nil)
        let recorded = try #require(test.registry.clientDetail(client.id!).secrets.first)
        #expect(recorded.lastUsedAt == usedAt && recorded.usageCheckedAt == test.clock.now)
        let preview = try removal.preview(client: "billing-api", keyId: recorded.keyId)
        #expect(preview.consequences[1] == "Secret \(recorded.hint)…: last used 3 h ago (at least this recently).")
        #expect(try test.registry.expiringSecrets(within: .days(400)).first?.lastUse == .usedAt(usedAt))
    }

    @Test func unusedListsOldSecretsWithoutUseAndNeverOnesNobodyCanTellAbout() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (oidc, oidcSandbox) = try test.addSandbox(name: "oidc", profile: .oidc)
        let (used, usedText) = try await test.registerClient("used-api", at: idp, sandbox: sandbox)
        let (idle, _) = try await test.registerClient("idle-api", at: idp, sandbox: sandbox)
        _ = try await test.registerClient("elsewhere", at: oidc, sandbox: oidcSandbox)
        test.clock.advance(days: 100)
        _ = try await test.registerClient("fresh-api", at: idp, sandbox: sandbox)
        #expect(try await sandbox.verify(usedText, for: RemoteClientReference(used)) == .accepted)
        try test.registry.recordSecretUsage(try await sandbox.secretUsage(of: nil), identityProviderId: idp.id!)
        try test.registry.recordSecretUsage(.unavailable("OIDC has no standard source"), identityProviderId: oidc.id!)

        let found = try test.registry.unusedSecrets(window: .days(90))
        // used-api was used just now; fresh-api is younger than the window; elsewhere's IdP cannot say.
        #expect(found.unused.map(\.client) == [idle.displayName])
        #expect(found.unused.first?.lastUse == "no sign-in recorded" && found.unused.first?.lastUsedAt == nil)
        #expect(found.cannotSay == [UnusedSecrets.CannotSay(idp: "oidc", reason: "OIDC has no standard source", secrets: 1)])
        #expect(try test.registry.unusedSecrets(window: .days(90), idpIds: [oidc.id!]).unused.isEmpty)

        // 91 days later, used-api's one use is older than the window too.
        test.clock.advance(days: 91)
        let later = try test.registry.unusedSecrets(window: .days(90), idpIds: [idp.id!])
        #expect(later.unused.map(\.client).sorted() == ["fresh-api", "idle-api", "used-api"])
        #expect(later.unused.first { $0.client == "used-api" }?.lastUse == "last used 91 d ago")
    }
}
