import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// Every screen and the main dialogs, rendered from the demo registry at three sizes (the 60×15 minimum among them) and compared with the files
/// under Snapshots/. Review changes to those files like code.
@Suite(.serialized) struct SnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40), Layout.minimum]

    static func driver(_ size: Size, readonly: Bool = false) async throws -> Driver {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture, size: size, readonly: readonly)
        await driver.start()
        return driver
    }

    @Test(arguments: sizes) func clients(size: Size) async throws {
        let driver = try await Self.driver(size)
        Snapshot.assertMatches(driver.frame, "Clients/demo")
        await driver.press(.character("/"))
        await driver.type("sched")
        Snapshot.assertMatches(driver.frame, "Clients/filtered")
    }

    @Test(arguments: sizes) func clientDetail(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.enter)
        Snapshot.assertMatches(driver.frame, "ClientDetail/first-client")
    }

    /// A client with an Anypoint application whose copy of the secret is stale, and one whose key-auth keys Kong
    /// holds itself.
    @Test(arguments: sizes) func clientGatewayApps(size: Size) async throws {
        for (name, snapshot) in [("Invoice Mailer", "ClientDetail/gateway-app"),
                                 ("billing-batch key-auth", "ClientDetail/gateway-held")] {
            let driver = try await Self.driver(size)
            await driver.press(.character("/"))
            await driver.type(name)
            await driver.press(.enter, .enter)
            #expect(driver.state.detail.detail?.client.displayName == name)
            // The demo registers these clients (and the gateway its keys) with random ids: fixed ones are drawn.
            let drawnId = "c1e47000-0000-4000-8000-00000000000\(name.count % 10)"
            let randomId = try #require(driver.state.detail.detail?.client.clientId)
            driver.state.detail.detail?.client.clientId = drawnId
            for app in driver.state.detail.detail?.gatewayApps.indices ?? 0..<0 {
                for finding in driver.state.detail.detail?.gatewayApps[app].findings.indices ?? 0..<0 {
                    driver.state.detail.detail?.gatewayApps[app].findings[finding].detail.replace(randomId, with: drawnId)
                }
            }
            for index in driver.state.detail.detail?.secrets.indices ?? 0..<0 {
                driver.state.detail.detail?.secrets[index].keyId = "5ec7e7\(index)0"
                driver.state.detail.detail?.secrets[index].hint = "Ab\(index)"
            }
            Snapshot.assertMatches(driver.frame, snapshot)
        }
    }

    /// The demo's gateways read by a read-only console (the shared registry stays as it is): policy drift and the
    /// client-app rows, the first of them selected.
    @Test(arguments: sizes) func driftWithClientApps(size: Size) async throws {
        let driver = try await Self.driver(size, readonly: true)
        await driver.press(.character("7"))
        #expect(driver.state.drift.appsRead)
        if let first = driver.state.drift.items.firstIndex(where: { if case .app = $0 { true } else { false } }) {
            driver.state.drift.cursor.selected = first
        }
        Snapshot.assertMatches(driver.frame, "Drift/client-apps")
    }

    @Test(arguments: sizes) func expiring(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("3"))
        // The demo's gateways make their keys' ids at random: fixed ones are drawn for those.
        let registry = try await SharedDemo.fixture().registry
        let holders = Set(try registry.identityProviders().filter { $0.kind == .gateway }.map(\.name))
        #expect(driver.state.expiring.gatewayHolders == holders)
        let secrets = try registry.expiringSecrets(within: driver.state.thresholds.notice).enumerated().map { index, secret in
            var secret = secret
            if holders.contains(secret.identityProvider) { secret.keyId = "9a7e" + String(1000 + index) }
            return secret
        }
        await driver.send(.expiringLoaded(secrets, gatewayHolders: holders))
        Snapshot.assertMatches(driver.frame, "Expiring/demo")
    }

    @Test(arguments: sizes) func matrix(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("4"), .down, .right)
        Snapshot.assertMatches(driver.frame, "Matrix/demo")
    }

    @Test(arguments: sizes) func rotations(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("5"))
        Snapshot.assertMatches(driver.frame, "Rotations/demo")
    }

    @Test(arguments: sizes) func audit(size: Size) async throws {
        let driver = try await Self.driver(size)
        // Filtered to policy events: rotation events carry key ids the sandbox makes at random.
        await driver.press(.character("6"), .character("/"))
        await driver.type("policy")
        await driver.press(.enter)
        Snapshot.assertMatches(driver.frame, "Audit/policy-events")
    }

    @Test(arguments: sizes) func help(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("?"))
        Snapshot.assertMatches(driver.frame, "Dialogs/help")
    }

    @Test(arguments: sizes) func rotateDialog(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("r"))
        await driver.settle { if case .rotate(let dialog) = $0.modal { dialog.preview != nil } else { true } }
        Snapshot.assertMatches(driver.frame, "Dialogs/rotate")
    }

    /// Rotating a client whose Anypoint application shows a copy of its secret: the dialog says the copy will
    /// differ afterwards.
    @Test(arguments: sizes) func rotateDialogWithAGatewayCopy(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("/"))
        await driver.type("Storefront Checkout")
        await driver.press(.enter, .character("r"))
        await driver.settle { if case .rotate(let dialog) = $0.modal { dialog.preview != nil } else { true } }
        guard case .rotate(var dialog) = driver.state.modal else { Issue.record("no rotate dialog"); return }
        #expect(dialog.preview?.notes.count == 1)
        // The retiring secret's id and hint are made at random by the demo's Entra sandbox.
        for index in dialog.preview?.retiring.indices ?? 0..<0 {
            dialog.preview?.retiring[index].keyId = "5ec7e7\(index)0"
            dialog.preview?.retiring[index].hint = "Ab\(index)"
        }
        driver.state.modal = .rotate(dialog)
        Snapshot.assertMatches(driver.frame, "Dialogs/rotate-gateway-copy")
    }

    @Test(arguments: sizes) func policyForm(size: Size) async throws {
        let driver = try await Self.driver(size)
        driver.state.matrix.column = MatrixState.policies.firstIndex(of: .rateLimiting)!
        await driver.press(.character("4"), .enter)
        await driver.type("abc")
        Snapshot.assertMatches(driver.frame, "Dialogs/policy-form-invalid")
    }

    /// Below the minimum every screen is the same one: snapshotted once, at one size.
    @Test func tooSmall() async throws {
        let driver = try await Self.driver(Size(width: 40, height: 12))
        Snapshot.assertMatches(driver.frame, "TooSmall/clients")
    }

    @Test(arguments: sizes) func readonly(size: Size) async throws {
        let driver = try await Self.driver(size, readonly: true)
        Snapshot.assertMatches(driver.frame, "Clients/readonly")
    }
}
