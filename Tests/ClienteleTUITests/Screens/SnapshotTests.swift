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

    @Test(arguments: sizes) func expiring(size: Size) async throws {
        let driver = try await Self.driver(size)
        await driver.press(.character("3"))
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
