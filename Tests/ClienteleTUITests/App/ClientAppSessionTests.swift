import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The gateways' client side in the real loop, on a demo registry and its sandbox gateways: the Drift screen's
/// client-app rows, a client page's gateway apps, Expiring naming the gateway, and `r` on credentials a gateway
/// holds itself (Kong key-auth overlaps; an Anypoint-held secret needs the no-overlap confirmation).
@Suite(.serialized) struct ClientAppSessionTests {
    static func demo() async throws -> DemoFixture { try await DemoFixture.make(clients: 5) }

    /// Filters the client list to `name` and opens the first match's page.
    static func openClient(_ driver: Driver, _ name: String) async throws {
        await driver.press(.character("/"))
        await driver.type(name)
        await driver.press(.enter, .enter)
        #expect(driver.state.screen == .detail)
        #expect(driver.state.detail.detail?.client.displayName == name)
    }

    static func kongApps(_ fixture: DemoFixture) async throws -> [RemoteGatewayApp] {
        let gateway = try fixture.registry.gateway(named: "kong-sandbox")
        return try await StandardGatewayAdapters(registryPath: fixture.registry.path, clock: DemoFixture.clock)
            .adapter(for: gateway).clientApps()
    }

    @Test func driftListsTheStaleCopyAndTheOrphanAndTwoOpensTheClient() async throws {
        let fixture = try await Self.demo()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 50))
        await driver.start()
        await driver.press(.character("7"))
        #expect(driver.state.drift.appsRead && !driver.state.drift.readingApps)
        #expect(driver.state.drift.appErrors.isEmpty, "\(driver.state.drift.appErrors)")
        let kinds = Set(driver.state.drift.apps.map(\.finding.kind))
        #expect(kinds.isSuperset(of: [.staleSecretCopy, .orphanedAtGateway, .contractNotInRegistry]), "\(kinds)")
        let text = driver.screenText
        #expect(text.contains("Sandbox on anypoint-sandbox"), "\(text)")
        #expect(text.contains("   Client apps\n") || text.contains("   Client apps "), "\(text)")
        #expect(text.contains("stale secret copy: application Invoice Mailer / client Invoice Mailer"), "\(text)")
        #expect(text.contains("orphaned: application Retired Kiosk"), "\(text)")

        let stale = try #require(driver.state.drift.items.firstIndex {
            if case .app(let index) = $0 { driver.state.drift.apps[index].finding.kind == .staleSecretCopy } else { false }
        })
        driver.state.drift.cursor.selected = stale
        #expect(driver.screenText.contains("rejects the copy of Invoice Mailer's secret that anypoint-sandbox shows"))
        await driver.press(.character("2"))
        #expect(driver.state.screen == .detail)
        #expect(driver.state.detail.detail?.client.displayName == "Invoice Mailer")
    }

    @Test func aClientPageListsItsGatewayAppWithItsStateAndItsAccess() async throws {
        let fixture = try await Self.demo()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        try await Self.openClient(driver, "Invoice Mailer")
        let text = driver.screenText
        #expect(text.contains("IdP entra-sandbox"), "\(text)")
        #expect(text.contains(" Gateway apps"), "\(text)")
        #expect(text.contains("Sandbox: anypoint-sandbox application Invoice Mailer (linked, shows a copy of the secret) · stale secret copy"), "\(text)")
        #expect(text.contains("stale secret copy: IdP entra-sandbox rejects the copy"), "\(text)")
        #expect(text.contains(" Access: Sandbox orders-api"), "\(text)")
        // Rotating it at Entra leaves Anypoint's copy behind: the dialog says so before anything starts.
        await driver.press(.character("r"))
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        #expect(driver.screenText.contains("IdP entra-sandbox: old and new secrets overlap"), "\(driver.screenText)")
        #expect(driver.screenText.contains("! gateway anypoint-sandbox's application Invoice Mailer shows a copy"), "\(driver.screenText)")
    }

    @Test func rotatingAKongKeyAuthClientOverlapsAtTheGatewayEndToEnd() async throws {
        let fixture = try await Self.demo()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        // Expiring names the gateway that holds the key, not an IdP.
        await driver.press(.character("3"))
        #expect(driver.screenText.contains("billing-batch key-auth"))
        #expect(driver.screenText.contains("gateway kong-sandbox"), "\(driver.screenText)")
        await driver.press(.character("1"))

        let name = "billing-batch key-auth"
        try await Self.openClient(driver, name)
        #expect(driver.screenText.contains("secrets held by gateway kong-sandbox"), "\(driver.screenText)")
        let before = try #require(try await Self.kongApps(fixture).first { $0.name == "billing-batch" })
        #expect(before.credentials.count == 2)

        await driver.press(.character("r"))
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        guard case .rotate(let dialog) = driver.state.modal else { Issue.record("no rotate dialog"); return }
        #expect(dialog.offersGrace && dialog.noOverlapReason == nil)
        #expect(driver.screenText.contains("gateway kong-sandbox: old and new secrets overlap"), "\(driver.screenText)")
        let path = fixture.directory + "/kong-key.txt"
        await driver.press(.tab, .right)  // grace → delivery: file
        await driver.press(.tab)
        await driver.type(path)
        await driver.press(.enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        guard case .message(let message) = driver.state.modal else { Issue.record("no result"); return }
        #expect(!message.isError, "\(message.lines)")
        let key = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.count >= 20)
        #expect(!driver.screenText.contains(key))

        // At the gateway: the new key beside the old ones (the grace period keeps them), and the gateway takes it.
        let after = try #require(try await Self.kongApps(fixture).first { $0.name == "billing-batch" })
        #expect(after.credentials.count == 3, "\(after.credentials)")
        let client = try fixture.registry.resolveClient(name)
        let holder = try fixture.registry.identityProvider(id: client.identityProviderId)
        #expect(holder.kind == .gateway)
        let verdict = try await fixture.adapters.adapter(for: holder)
            .verify(SecretText(key), for: RemoteClientReference(client))
        #expect(verdict == .accepted, "\(verdict)")
        let detail = try fixture.registry.clientDetail(client.id!)
        #expect(detail.secrets.filter { $0.state == .active }.count == 1)
        #expect(detail.secrets.filter { $0.state == .grace }.count == 2)
        #expect(try fixture.registry.rotations(includeFinished: true).contains { $0.rotation.clientRowId == client.id })
    }

    @Test func anAnypointHeldSecretHasNoOverlapAndAsksFirstNamingTheGateway() async throws {
        let fixture = try await Self.demo()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        try await Self.openClient(driver, "Legacy Partner Portal")
        #expect(driver.screenText.contains("secrets held by gateway anypoint-sandbox"), "\(driver.screenText)")
        let revision = try fixture.registry.revision()
        await driver.press(.character("r"))
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        guard case .rotate(let dialog) = driver.state.modal else { Issue.record("no rotate dialog"); return }
        #expect(!dialog.offersGrace)
        #expect(driver.screenText.contains("gateway anypoint-sandbox: one secret at a time (no overlap)"))
        await driver.press(.enter)
        guard case .confirm(let confirm) = driver.state.modal else { Issue.record("no confirmation: \(driver.modalName ?? "")"); return }
        #expect(confirm.focus == .cancel)
        #expect(confirm.lines.first == "gateway 'anypoint-sandbox' cannot keep two secrets: the old secret stops working the moment the new one is issued")
        await driver.press(.enter)
        #expect(driver.state.modal == nil)
        #expect(try fixture.registry.revision() == revision)
    }

    @Test func aReadonlyConsoleReadsTheClientSideAndRecordsNothing() async throws {
        let fixture = try await Self.demo()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 50), readonly: true)
        await driver.start()
        let revision = try fixture.registry.revision()
        await driver.press(.character("7"))
        #expect(driver.state.drift.appsRead)
        #expect(driver.state.drift.apps.contains { $0.finding.kind == .staleSecretCopy })
        #expect(try fixture.registry.revision() == revision)
    }
}
