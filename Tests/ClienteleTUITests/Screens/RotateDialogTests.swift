import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The rotate dialog against the demo's two kinds of IdP: Entra keeps two secrets (overlap and a grace period),
/// the OIDC sandbox keeps one (no grace: the old secret dies when the new one is issued).
@Suite(.serialized) struct RotateDialogTests {
    static func driverOnClient(of idp: String, size: Size) async throws -> Driver {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture, size: size)
        await driver.start()
        let index = try #require(driver.state.clients.index)
        let row = try #require(index.rows.first {
            index.identityProviderNames[$0.identityProviderId] == idp && $0.activeSecrets > 0
        })
        driver.state.clients.cursor.selected = try #require(driver.state.clients.visible.firstIndex {
            index.rows[Int($0)].id == row.id
        })
        await driver.press(.character("r"))
        #expect(await driver.settle { if case .rotate(let d) = $0.modal { d.preview != nil } else { false } })
        return driver
    }

    static func dialogWords(_ frame: CellBuffer) -> String { BoxText.words(in: frame, titled: "Rotate") }

    static func dialog(_ driver: Driver) throws -> RotateDialogState {
        guard case .rotate(let dialog) = driver.state.modal else { throw ValidationMessage("no rotate dialog") }
        return dialog
    }

    /// Today's dialog offers "Grace 7d" for a client whose IdP keeps one secret; there is no grace to give.
    @Test func noGraceFieldWhereTheIdPKeepsOneSecret() async throws {
        let driver = try await Self.driverOnClient(of: "oidc-sandbox", size: Size(width: 80, height: 24))
        let dialog = try Self.dialog(driver)
        #expect(dialog.preview?.overlap == false)
        let words = Self.dialogWords(driver.frame)
        #expect(!words.contains("Grace 7d"), "a grace field is offered: \(words)")
        #expect(!words.contains("old secret stays valid"))
        #expect(words.contains("No grace period: the old secret stops working when the new one is issued."), "\(words)")
        // Tab never reaches a grace field, and the request carries no grace.
        #expect(dialog.focus == .delivery)
        for _ in 0..<6 {
            await driver.press(.tab)
            #expect(try Self.dialog(driver).focus != .grace)
        }
        guard case .success(let request) = try Self.dialog(driver).request(confirmed: false) else {
            Issue.record("refused"); return
        }
        #expect(request.grace?.seconds == 0)
    }

    @Test func aGraceFieldWhereTheIdPKeepsTwo() async throws {
        let driver = try await Self.driverOnClient(of: "entra-sandbox", size: Size(width: 80, height: 24))
        #expect(try Self.dialog(driver).focus == .grace)
        #expect(Self.dialogWords(driver.frame).contains("Grace 7d"))
        #expect(!Self.dialogWords(driver.frame).contains("No grace period"))
    }

    /// At 140 columns the warning used to be cut at the dialog's edge ("the old secret stops w…"): it wraps.
    @Test(arguments: [Size(width: 140, height: 40), Size(width: 80, height: 24), Layout.minimum])
    func longWarningsWrapInsideTheDialog(size: Size) async throws {
        let driver = try await Self.driverOnClient(of: "entra-sandbox", size: size)
        await driver.press(.backspace, .backspace, .character("0"), .character("s"))
        let reason = try #require(try Self.dialog(driver).noOverlapReason)
        let words = Self.dialogWords(driver.frame)
        #expect(("! " + reason).count > 66, "the test needs a warning longer than the dialog is wide")
        #expect(words.contains(("! " + reason).split(separator: " ").joined(separator: " ")),
                "the warning is cut: \(words)")
    }

    @Test func theNoOverlapSentenceWrapsToo() async throws {
        let driver = try await Self.driverOnClient(of: "oidc-sandbox", size: Layout.minimum)
        let words = Self.dialogWords(driver.frame)
        #expect(words.contains("the old secret stops working when the new one is issued."), "\(words)")
    }
}
