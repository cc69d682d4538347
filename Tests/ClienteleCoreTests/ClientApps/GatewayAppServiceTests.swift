import Foundation
import GRDB
import Synchronization
import Testing
@testable import ClienteleCore

/// Reconciliation and gateway-held rotation against the sandbox gateway (imitating Anypoint or Kong) and the
/// sandbox IdP, through the real registry, the real service and the real rotation machine.
@Suite struct GatewayAppServiceTests {
    final class Fixture {
        let test = try! TestRegistry()
        let idp: IdentityProvider
        let entra: SandboxIdentityProvider
        let gateway: Gateway
        let sandbox: SandboxGateway
        let gateways: StandardGatewayAdapters
        let adapters: StandardAdapters
        let service: GatewayAppService

        init(imitating kind: GatewayKind = .anypoint) throws {
            (idp, entra) = try test.addSandbox(name: "entra")
            let stateFile = test.tempFile("\(kind.rawValue)-gateway.sqlite")
            sandbox = try SandboxGateway(stateFile: stateFile, imitating: kind, create: true, clock: test.clock.clock)
            let apis = [RemoteAPI(remoteId: "101", name: "orders-api"), RemoteAPI(remoteId: "102", name: "payments-api")]
            try sandbox.seed(apis: apis, environment: "env-1")
            gateway = try test.registry.addGateway(
                Gateway(name: "gw", kind: kind, settings: GatewaySettings(sandboxStateFile: stateFile),
                        credentialSource: .none, createdAt: test.clock.now), actor: "tests")
            let environment = try test.registry.addEnvironment(
                name: "Sandbox", businessGroup: nil, gateway: .none, boundTo: "gw", gatewayEnvironment: "env-1", actor: "tests")
            try test.registry.recordAPIs(apis, for: environment, at: gateway, actor: "tests")
            gateways = StandardGatewayAdapters(registry: test.registry)
            adapters = StandardAdapters(registry: test.registry, gatewayAdapters: gateways)
            service = GatewayAppService(registry: test.registry, gateways: gateways, identityProviders: adapters)
        }

        /// An IdP client in Sandbox with an app at the gateway holding a copy of its secret.
        func externalApp(_ name: String, contracts: [String] = ["orders-api"]) async throws -> (Client, SecretText) {
            let (client, secret) = try await test.registerClient(name, at: idp, sandbox: entra, environments: ["Sandbox"])
            try sandbox.seedApp(name: name, clientIds: [client.clientId], contracts: contracts.map { ($0, "env-1") },
                                secrets: [(secret, test.clock.now, nil)])
            return (client, secret)
        }

        func kinds(_ reports: [GatewayAppReport]) -> [GatewayAppFindingKind] {
            reports.flatMap(\.differences).map(\.finding.kind)
        }
    }

    @Test func anAppInStepWithItsIdPClientHasNoDifference() async throws {
        let f = try Fixture()
        let (client, _) = try await f.externalApp("storefront")
        try f.test.registry.grantAccess(client: client.clientId, environment: "Sandbox", api: "orders-api", actor: "tests")
        let reports = await f.service.sync(adopt: false, actor: "tests")
        #expect(reports.map(\.error) == [nil])
        #expect(reports[0].apps == 1)
        #expect(f.kinds(reports) == [])
        let apps = try f.test.registry.gatewayApps(ofClient: client.id!)
        #expect(apps.map(\.state) == ["in step"])
        #expect(apps.map(\.environments) == [["Sandbox"]])
        #expect(apps.map(\.holdsSecrets) == [false])
    }

    @Test func aSecretResetAtTheGatewayIsAStaleCopyAndExitsAsDrift() async throws {
        let f = try Fixture()
        let (client, secret) = try await f.externalApp("invoice-mailer")
        try f.test.registry.grantAccess(client: "invoice-mailer", environment: "Sandbox", api: "orders-api", actor: "tests")
        try f.sandbox.resetSecretByHand(app: "invoice-mailer")
        let reports = await f.service.drift(actor: "tests")
        #expect(f.kinds(reports) == [.staleSecretCopy])
        #expect(reports[0].hasDrift)
        let difference = try #require(reports[0].differences.first)
        #expect(difference.environment == "Sandbox")
        #expect(difference.clientRowId == client.id)
        #expect(difference.line.contains("IdP entra rejects the copy"))
        // The IdP's secret still works: only the gateway's copy moved.
        #expect(try await f.entra.verify(secret, for: RemoteClientReference(client)) == .accepted)
        // Recorded for the client page, with no network.
        #expect(try f.test.registry.gatewayApps(ofClient: client.id!).map(\.state) == ["stale secret copy"])
        #expect(try f.test.registry.recordedGatewayAppDifferences().map(\.finding.kind) == [.staleSecretCopy])
    }

    @Test func aClientDeletedAtTheIdPLeavesItsAppOrphaned() async throws {
        let f = try Fixture()
        let (client, _) = try await f.externalApp("retired-kiosk")
        try f.test.registry.grantAccess(client: "retired-kiosk", environment: "Sandbox", api: "orders-api", actor: "tests")
        try await f.entra.deleteClient(RemoteClientReference(client))
        let reports = await f.service.drift(actor: "tests")
        #expect(f.kinds(reports) == [.orphanedAtGateway])
        #expect(reports[0].differences[0].finding.detail.contains("is gone at IdP entra"))
    }

    @Test func aClientDeletedThroughClienteleStaysAnOrphanNotASecretOfTheGateway() async throws {
        let f = try Fixture()
        _ = try await f.externalApp("old-kiosk")
        _ = await f.service.sync(adopt: false, actor: "tests")
        _ = try await ClientOnboarding(registry: f.test.registry, adapters: f.adapters).delete("old-kiosk", actor: "tests")
        let reports = await f.service.sync(adopt: false, actor: "tests")
        #expect(f.kinds(reports) == [.orphanedAtGateway])
        #expect(reports[0].differences[0].finding.detail.contains("no longer in the registry"))
        #expect(reports[0].heldClients == 0)
        #expect(try f.test.registry.clients(matching: ClientFilter(identityProvider: "gw")).isEmpty)
    }

    @Test func contractsAreComparedWithGrantsBothWaysAndAdoptTakesTheGatewaysSide() async throws {
        let f = try Fixture()
        let (client, _) = try await f.externalApp("price-watcher", contracts: ["payments-api"])
        try f.test.registry.grantAccess(client: "price-watcher", environment: "Sandbox", api: "orders-api", actor: "tests")
        let drift = await f.service.drift(actor: "tests")
        #expect(Set(f.kinds(drift)) == [.contractNotInRegistry, .contractMissingAtGateway])
        #expect(drift[0].differences.compactMap(\.finding.api).sorted() == ["orders-api", "payments-api"])

        let adopted = await f.service.sync(adopt: true, actor: "tests")
        #expect(adopted[0].adopted.count == 2)
        #expect(f.kinds(adopted) == [])
        #expect(try f.test.registry.access(ofClient: client.id!).map(\.api) == ["payments-api"])
        let actions = try f.test.registry.read { transaction in
            try transaction.strings("SELECT action FROM auditEvent WHERE action LIKE 'client.access-%' ORDER BY id")
        }
        #expect(actions == ["client.access-granted", "client.access-granted", "client.access-revoked"])
    }

    @Test func anIdPClientGivenAnAPIWithNoAppAtTheGatewayIsMissingThere() async throws {
        let f = try Fixture()
        _ = try await f.test.registerClient("no-app-yet", at: f.idp, sandbox: f.entra, environments: ["Sandbox"])
        try f.test.registry.grantAccess(client: "no-app-yet", environment: "Sandbox", api: "payments-api", actor: "tests")
        let reports = await f.service.drift(actor: "tests")
        #expect(f.kinds(reports) == [.missingAtGateway])
        #expect(reports[0].differences.first?.client == "no-app-yet")
        #expect(reports[0].differences.first?.finding.detail.contains("gives no-app-yet") == true)
        #expect(try f.test.registry.recordedGatewayAppDifferences().map(\.finding.kind) == [.missingAtGateway])
    }

    @Test func gatewayHeldSecretsSyncUnderTheGatewaysNameAndNeverAsText() async throws {
        let f = try Fixture(imitating: .kong)
        let expiring = f.test.clock.now + 5 * 86_400
        let keys = [SecretGenerator.make(), SecretGenerator.make()]
        try f.sandbox.seedApp(name: "billing-batch", clientIds: [], environments: ["env-1"],
                              secrets: keys.map { ($0, f.test.clock.now, expiring) })
        let reports = await f.service.sync(adopt: false, actor: "tests")
        #expect(reports[0].heldClients == 1)
        #expect(reports[0].heldSecretsFound == 0)
        let holder = try f.test.registry.identityProvider(named: "gw")
        #expect(holder.kind == .gateway)
        let held = try f.test.registry.clients(matching: ClientFilter(identityProvider: "gw"))
        #expect(held.map(\.displayName) == ["billing-batch key-auth"])
        let secrets = try f.test.registry.clientDetail(held[0].id).secrets
        #expect(secrets.count == 2)
        #expect(secrets.allSatisfy { $0.expiresAt == expiring && $0.hint.isEmpty })
        let dump = try f.test.everythingStored()
        for key in keys { #expect(!dump.contains(key.reveal())) }
        #expect(try f.test.registry.gatewayApps(ofClient: held[0].id).map(\.holdsSecrets) == [true])
    }

    @Test func aKongConsumersKeyRotatesWithOverlapThroughTheRotationMachine() async throws {
        let f = try Fixture(imitating: .kong)
        let old = SecretGenerator.make()
        try f.sandbox.seedApp(name: "partner-feed", clientIds: [], environments: ["env-1"],
                              secrets: [(old, f.test.clock.now, nil)])
        _ = await f.service.sync(adopt: false, actor: "tests")
        let rotation = RotationService(registry: f.test.registry, adapters: f.adapters)
        let shown = Mutex<SecretText?>(nil)
        let outcome = try await rotation.rotate(
            RotationRequest(client: "partner-feed key-auth", grace: .days(2), delivery: .terminal), actor: "tests",
            deliverer: SecretDeliverer(showOnce: { text, _ in shown.withLock { $0 = text } }))
        guard case .inGrace = outcome.status else { Issue.record("expected grace, got \(outcome.status)"); return }
        let new = try #require(shown.withLock { $0 })
        let holder = f.sandbox.credentialHolder()
        let reference = RemoteClientReference(outcome.client)
        #expect(try await holder.verify(new, for: reference) == .accepted)
        #expect(try await holder.verify(old, for: reference) == .accepted)
        f.test.clock.advance(days: 3)
        _ = await rotation.advanceAll(actor: "tests")
        #expect(try await holder.verify(old, for: reference) != .accepted)
        #expect(try await holder.verify(new, for: reference) == .accepted)
        #expect(try f.test.registry.rotation(outcome.rotation.id!).step == .done)
    }

    @Test func anAnypointHeldSecretHasNoOverlapSoItsRotationAsksFirst() async throws {
        let f = try Fixture(imitating: .anypoint)
        let old = SecretGenerator.make()
        try f.sandbox.seedApp(name: "batch-reconciler", clientIds: ["b7c0ffee"], secrets: [(old, f.test.clock.now, nil)])
        _ = await f.service.sync(adopt: false, actor: "tests")
        let rotation = RotationService(registry: f.test.registry, adapters: f.adapters)
        let preview = try await rotation.preview(RotationRequest(client: "b7c0ffee"))
        #expect(preview.confirmationReason?.contains("gateway 'gw' cannot keep two secrets") == true)
        await #expect(throws: ClienteleError.self) {
            try await rotation.rotate(RotationRequest(client: "b7c0ffee", delivery: .terminal), actor: "tests",
                                      deliverer: SecretDeliverer(showOnce: { _, _ in }))
        }
        let shown = Mutex<SecretText?>(nil)
        let outcome = try await rotation.rotate(
            RotationRequest(client: "b7c0ffee", delivery: .terminal, confirmed: true), actor: "tests",
            deliverer: SecretDeliverer(showOnce: { text, _ in shown.withLock { $0 = text } }))
        #expect(outcome.rotation.step == .done)
        let holder = f.sandbox.credentialHolder()
        let reference = RemoteClientReference(outcome.client)
        #expect(try await holder.verify(try #require(shown.withLock { $0 }), for: reference) == .accepted)
        #expect(try await holder.verify(old, for: reference) != .accepted)
    }

    @Test func rotatingAnIdPClientSaysTheGatewaysCopyWillDiffer() async throws {
        let f = try Fixture()
        _ = try await f.externalApp("mobile-wallet")
        _ = await f.service.sync(adopt: false, actor: "tests")
        let rotation = RotationService(registry: f.test.registry, adapters: f.adapters)
        let preview = try await rotation.preview(RotationRequest(client: "mobile-wallet"))
        #expect(preview.notes.count == 1)
        #expect(preview.notes.first?.contains("gateway gw's application mobile-wallet shows a copy") == true)
    }

    @Test func theHolderIsRefusedAsAnIdPToRemoveAndGoesWithItsGateway() async throws {
        let f = try Fixture(imitating: .kong)
        try f.sandbox.seedApp(name: "legacy-crm", clientIds: [], secrets: [(SecretGenerator.make(), f.test.clock.now, nil)])
        _ = await f.service.sync(adopt: false, actor: "tests")
        #expect(throws: ClienteleError.self) {
            try f.test.registry.removeIdentityProvider(named: "gw", force: true, actor: "tests")
        }
        try f.test.registry.bindEnvironment(named: "Sandbox", to: nil, gatewayEnvironment: nil, actor: "tests")
        try f.test.registry.removeGateway(named: "gw", actor: "tests")
        #expect(try f.test.registry.identityProviders().map(\.name) == ["entra"])
        #expect(try f.test.registry.clients(matching: ClientFilter(text: "legacy-crm")).isEmpty)
    }
}
