import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// An operator's session against a real demo registry, through the real update, effect runner and render.
@Suite(.serialized) struct SessionTests {
    @Test func opensOnTheClientsListWithHeaderAndCounts() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        #expect(driver.state.screen == .clients)
        #expect(driver.state.clients.index?.complete == true)
        // The demo's 60 clients, and the ones its gateways' client apps brought (linked at Entra, or held by the
        // gateway itself).
        let total = try fixture.registry.clientCount()
        #expect(total > 60)
        #expect(driver.state.clients.visible.count == total)
        #expect(driver.state.header.identityProviders == ["anypoint-sandbox", "entra-sandbox", "kong-sandbox", "oidc-sandbox"])
        let text = driver.screenText
        #expect(text.contains("\(total) clients"))
        #expect(text.contains("Name"))
        #expect(text.contains("q quit"))
    }

    @Test func filterNarrowsAndEscClears() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        await driver.press(.character("/"))
        #expect(driver.state.clients.filterEditing)
        await driver.type("pay")
        let visible = driver.state.clients.visible.compactMap { driver.state.clients.index?.rows[Int($0)] }
        #expect(!visible.isEmpty && visible.count < 60)
        // Substring matches (name, client id or owner team) come before fuzzy ones.
        let first = try #require(visible.first)
        #expect((first.displayName + first.clientId + (first.ownerTeam ?? "")).lowercased().contains("pay"))
        await driver.press(.enter)
        #expect(!driver.state.clients.filterEditing)
        let total = try fixture.registry.clientCount()
        #expect(driver.screenText.contains("of \(total)"))
        await driver.press(.escape)
        #expect(driver.state.clients.visible.count == total)
    }

    @Test func enterOpensDetailAndEscGoesBack() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        let name = try #require(driver.state.clients.selectedRow?.displayName)
        await driver.press(.enter)
        #expect(driver.state.screen == .detail)
        #expect(driver.state.detail.detail?.client.displayName == name)
        let text = driver.screenText
        #expect(text.contains("Clients › \(name)"))
        #expect(text.contains("Key id"))
        #expect(text.contains("Environments:"))
        await driver.press(.escape)
        #expect(driver.state.screen == .clients)
    }

    @Test func rotateByKeypressWithFileDelivery() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        // An Entra-profile client, so the rotation overlaps and needs no extra confirmation.
        let row = try #require(driver.state.clients.index?.rows.first {
            driver.state.clients.index?.identityProviderNames[$0.identityProviderId] == "entra-sandbox"
                && $0.activeSecrets > 0
        })
        driver.state.clients.cursor.selected = try #require(driver.state.clients.visible.firstIndex {
            driver.state.clients.index!.rows[Int($0)].id == row.id
        })
        await driver.press(.character("r"))
        #expect(driver.modalName == "rotate")
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        let path = fixture.directory + "/new-secret.txt"
        await driver.press(.tab, .right)  // grace → delivery: file
        await driver.press(.tab)
        await driver.type(path)
        await driver.press(.enter)
        #expect(driver.modalName == "progress")
        #expect(await driver.settle { $0.modal?.name == "message" })
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let secret = try String(contentsOfFile: path, encoding: .utf8)
        #expect(secret.trimmingCharacters(in: .whitespacesAndNewlines).count >= 20)
        // The secret is never drawn.
        #expect(!driver.screenText.contains(secret.trimmingCharacters(in: .whitespacesAndNewlines)))
        let rotations = try fixture.registry.rotations(includeFinished: true)
        #expect(rotations.contains { $0.rotation.clientRowId == row.id })
        let events = try fixture.registry.auditEvents(mentioning: row.displayName)
        #expect(events.contains { $0.action.hasPrefix("rotation.") })
    }

    @Test func removeASecretAsksWithCancelFirstThenRemovesAtTheIdP() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        let row = try #require(driver.state.clients.index?.rows.first { $0.activeSecrets >= 2 })
        driver.state.clients.cursor.selected = try #require(driver.state.clients.visible.firstIndex {
            driver.state.clients.index!.rows[Int($0)].id == row.id
        })
        await driver.press(.enter)
        let detail = try #require(driver.state.detail.detail)
        let target = try #require(detail.secrets.first { $0.state != .removed })
        driver.state.detail.cursor.selected = try #require(detail.secrets.firstIndex { $0.keyId == target.keyId })
        #expect(driver.screenText.contains("x remove"))
        let revision = try fixture.registry.revision()

        await driver.press(.character("x"))
        #expect(driver.modalName == "confirm")
        #expect(driver.screenText.contains("Remove secret \(target.hint)"))
        // Enter on the default button cancels.
        await driver.press(.enter)
        #expect(driver.state.modal == nil)
        #expect(try fixture.registry.revision() == revision)

        // The confirmation opens when the core's answer comes back: keys typed before it reach the screen, as at a
        // real terminal, so the test waits for it.
        await driver.press(.character("x"))
        await driver.press(.right, .enter)
        #expect(driver.state.modal == nil)
        #expect(driver.state.status?.text.contains("removed secret \(target.hint)") == true)
        let after = try fixture.registry.clientDetail(row.id).secrets.first { $0.keyId == target.keyId }
        #expect(after?.state == .removed)
        #expect(try fixture.registry.auditEvents(mentioning: target.keyId).contains {
            $0.action == "secret.removed" && $0.actor == "tester"
        })
        // The screen reloaded: the row now says removed, and removing it again is refused before any dialog.
        #expect(driver.screenText.contains("removed 2026-11-23"))
        let reloaded = try #require(driver.state.detail.detail?.secrets)
        driver.state.detail.cursor.selected = try #require(reloaded.firstIndex { $0.keyId == target.keyId })
        await driver.press(.character("x"))
        #expect(driver.state.modal == nil)
        #expect(driver.state.status?.text.contains("already removed") == true)
    }

    @Test func readonlyHasNoRemoveKey() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40), readonly: true)
        await driver.start()
        await driver.press(.enter, .character("x"))
        #expect(driver.state.modal == nil)
        #expect(!driver.screenText.contains("x remove"))
        #expect(!driver.performed.contains { if case .previewSecretRemoval = $0 { true } else { false } })
    }

    @Test func rotateShowOnceMasksUntilRevealedAndNeverDrawsItAgain() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        await driver.press(.character("r"))
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        // OIDC-profile clients need a no-overlap confirmation, whose default is Cancel.
        if case .rotate(let dialog) = driver.state.modal, dialog.noOverlapReason != nil {
            await driver.press(.enter)
            #expect(driver.modalName == "confirm")
            await driver.press(.right, .enter)
        } else {
            await driver.press(.enter)
        }
        #expect(await driver.settle { $0.modal?.name == "secret" })
        guard case .secret(let reveal) = driver.state.modal else { return }
        let text = reveal.secret.reveal()
        #expect(!driver.screenText.contains(text))
        #expect(driver.screenText.contains("••••"))
        await driver.press(.character("v"))
        #expect(driver.screenText.contains(text))
        await driver.press(.enter)
        #expect(await driver.settle { $0.modal?.name == "message" })
        #expect(!driver.screenText.contains(text))
        await driver.press(.enter)
        #expect(driver.state.modal == nil)
        #expect(!driver.screenText.contains(text))
    }

    @Test func matrixAssignsWithFormAndPlanThenUnassignsWithConfirmation() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        await driver.press(.character("4"))
        #expect(driver.state.screen == .matrix)
        // Sandbox has no rate limiting in the demo.
        driver.state.matrix.row = 0
        driver.state.matrix.column = MatrixState.policies.firstIndex(of: .rateLimiting)!
        await driver.press(.enter)
        #expect(driver.modalName == "policy-form")
        guard case .policyForm(let form) = driver.state.modal else { return }
        #expect(form.error?.contains("requests is required") == true)
        await driver.type("50")
        guard case .policyForm(let valid) = driver.state.modal else { return }
        #expect(valid.error == nil)
        await driver.press(.enter)
        #expect(driver.modalName == "plan")
        #expect(driver.screenText.contains("+ assign rate-limiting in Sandbox"))
        await driver.press(.enter)
        #expect(await driver.settle { $0.modal == nil })
        #expect(try fixture.registry.assignments(in: "Sandbox").contains { $0.policy == .rateLimiting })
        #expect(driver.state.matrix.assignment(environment: driver.state.matrix.environments[0], policy: .rateLimiting) != nil)

        await driver.press(.enter)
        #expect(driver.modalName == "plan")
        guard case .plan(let plan) = driver.state.modal else { return }
        #expect(plan.destructive && plan.focus == .cancel)
        await driver.press(.enter)  // Enter on the default button cancels
        #expect(driver.state.modal == nil)
        #expect(try fixture.registry.assignments(in: "Sandbox").contains { $0.policy == .rateLimiting })
        await driver.press(.enter)
        await driver.press(.right, .enter)
        #expect(await driver.settle { $0.modal == nil })
        #expect(!(try fixture.registry.assignments(in: "Sandbox").contains { $0.policy == .rateLimiting }))
    }

    @Test func readonlyRefusesWritesAndSaysSo() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, readonly: true)
        await driver.start()
        await driver.press(.character("r"))
        #expect(driver.state.modal == nil)
        #expect(driver.screenText.contains("READ-ONLY"))
        #expect(!driver.screenText.contains("r rotate"))
        // Even an effect that bypassed the keymap is refused where effects reach the core.
        driver.runner.perform([.applyPolicy(PolicyChangeRequest(policy: .cors, environment: "Prod",
                                                                intent: .assign(pairs: ["origins=*"], position: nil)))])
        await driver.quiesce()
        #expect(driver.state.status?.text.contains("read-only") == true)
        #expect(!(try fixture.registry.assignments(in: "Prod").contains { $0.policy == .cors }))
    }

    @Test func changesFromAnotherProcessAppearOnTheNextPoll() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        try fixture.registry.addEnvironment(name: "Staging", businessGroup: nil, gateway: .kong, actor: "cli")
        await driver.send(.tick(DemoFixture.now))
        #expect(driver.state.header.environments.contains("Staging"))
    }

    @Test func aClientAnotherProcessRegistersOrChangesIsPatchedIntoTheList() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        await driver.send(.tick(DemoFixture.now))
        let before = try #require(driver.state.clients.index)
        let idp = try #require(try fixture.registry.identityProviders().first { $0.name == "entra-sandbox" })
        let added = try fixture.registry.recordClient(
            RemoteClient(clientId: "aaaa-new", displayName: "aaa-first-by-name", secrets: []),
            identityProvider: idp, environments: [], origin: .discovered, actor: "cli")
        await driver.send(.tick(DemoFixture.now))
        let after = try #require(driver.state.clients.index)
        #expect(after.count == before.count + 1)
        #expect(driver.state.clients.visible.first.map { after.rows[Int($0)].displayName } == "aaa-first-by-name")
        try fixture.registry.setMembership(client: "aaa-first-by-name", environment: "Prod", member: true, actor: "cli")
        await driver.send(.tick(DemoFixture.now))
        let member = try #require(driver.state.clients.index?.rows.first { $0.id == added.id })
        #expect(member.environmentIds.count == 1)
        #expect(driver.state.clients.index?.count == before.count + 1)
    }

    @Test func auditVerifyMarksTheBreak() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        await driver.press(.character("6"), .character("v"))
        #expect(driver.state.audit.verification?.isIntact == true)
        #expect(driver.screenText.contains("chain intact"))
        await driver.send(.auditVerified(.broken(eventId: 3, checked: 2, reason: "audit event #3 was altered")))
        #expect(driver.screenText.contains("chain broken at #3"))
        await driver.press(.character("G"))
        #expect(driver.screenText.contains("✗#3"))
    }

    @Test func expiringGroupsAndIncludesAdminCredentials() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        await driver.press(.character("3"))
        let text = driver.screenText
        #expect(text.contains("Expired ("))
        #expect(text.contains("Within 7 days") || text.contains("Within 30 days"))
        let admins = driver.state.expiring.rows.filter {
            if case .item(let secret) = $0 { return secret.kind == .adminCredential }
            return false
        }
        #expect(!admins.isEmpty)
        // The cursor never rests on a heading.
        #expect(driver.state.expiring.selected != nil)
        await driver.press(.down, .down, .down, .up)
        #expect(driver.state.expiring.selected != nil)
    }

    @Test func rotationsAdvanceAllShowsProgressAndFinishes() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture, size: Size(width: 120, height: 40))
        await driver.start()
        await driver.press(.character("5"))
        #expect(!driver.state.rotations.listings.isEmpty)
        #expect(driver.screenText.contains("grace"))
        driver.pressOnly(.character("A"))
        #expect(driver.modalName == "progress")
        #expect(await driver.settle { $0.modal?.name == "message" })
    }

    @Test func commandModeCompletesAndNarrowsToAnEnvironment() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let driver = Driver(fixture)
        await driver.start()
        await driver.press(.character(":"))
        await driver.type("en")
        await driver.press(.tab)
        guard case .command(let command) = driver.state.modal else { Issue.record("no command line"); return }
        #expect(command.field.text == "env ")
        await driver.type("pr")
        await driver.press(.tab, .enter)
        #expect(driver.state.clients.environment == "Prod")
        #expect(driver.state.clients.visible.count < 60)
        #expect(driver.screenText.contains("Clients in Prod"))
    }
}
