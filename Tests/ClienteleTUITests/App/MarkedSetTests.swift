import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// Space marks clients on the Clients screen; `r` with marks rotates the set through one dialog and one effect.
@Suite(.serialized) struct MarkedSetTests {
    /// A driver with the cursor on the first of `count` Entra-profile clients with secrets, marked in a row.
    static func markEntraClients(_ count: Int, _ fixture: DemoFixture) async throws -> (Driver, [ConsoleClientRow]) {
        let driver = Driver(fixture)
        await driver.start()
        let index = try #require(driver.state.clients.index)
        let rows = driver.state.clients.visible.map { index.rows[Int($0)] }
            .filter { index.identityProviderNames[$0.identityProviderId] == "entra-sandbox" && $0.activeSecrets > 0 }
            .prefix(count)
        try #require(rows.count == count)
        for row in rows {
            driver.state.clients.cursor.selected = try #require(driver.state.clients.visible.firstIndex {
                index.rows[Int($0)].id == row.id
            })
            await driver.press(.character(" "))
        }
        return (driver, Array(rows))
    }

    @Test func spaceMarksAndUnmarksWithAVisibleMarkAndACount() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let (driver, rows) = try await Self.markEntraClients(2, fixture)
        #expect(driver.state.clients.marked == Set(rows.map(\.id)))
        #expect(driver.screenText.contains("● \(rows[0].displayName)"))
        #expect(driver.screenText.contains("2 marked · r rotates them"))
        // Space again on a marked client unmarks it.
        let index = try #require(driver.state.clients.index)
        driver.state.clients.cursor.selected = try #require(driver.state.clients.visible.firstIndex {
            index.rows[Int($0)].id == rows[0].id
        })
        await driver.press(.character(" "))
        #expect(driver.state.clients.marked == [rows[1].id])
        #expect(!driver.screenText.contains("● \(rows[0].displayName)"))
        #expect(driver.screenText.contains("1 marked · r rotates it"))
    }

    @Test func showOnceIsRefusedForASet() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let (driver, _) = try await Self.markEntraClients(3, fixture)
        let before = try fixture.registry.rotations(includeFinished: true).count
        await driver.press(.character("r"))
        guard case .rotate(var dialog) = driver.state.modal else { Issue.record("no rotate dialog"); return }
        #expect(dialog.isSet && dialog.clientRowIds.count == 3)
        #expect(BoxText.words(in: driver.frame, titled: "Rotate").contains("3 marked clients"))
        dialog.delivery = .showOnce
        guard case .failure(let problem) = dialog.setRequest() else { Issue.record("show-once accepted"); return }
        #expect(problem.text == "show-once cannot serve 3 clients: deliver to a folder or a command")
        driver.state.modal = .rotate(dialog)
        await driver.press(.tab, .tab)  // grace → delivery → rotate (no target for show-once)
        await driver.press(.enter)
        guard case .rotate(let after) = driver.state.modal else { Issue.record("the dialog closed"); return }
        #expect(after.error == problem.text)
        #expect(try fixture.registry.rotations(includeFinished: true).count == before)
    }

    @Test func rKeyRotatesTheMarkedSetToAFolderWithProgressAndASummary() async throws {
        let fixture = try await DemoFixture.make()
        defer { fixture.remove() }
        let (driver, rows) = try await Self.markEntraClients(3, fixture)
        let before = Set(try fixture.registry.rotations(includeFinished: true).compactMap(\.rotation.id))
        let folder = fixture.directory + "/wave"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        await driver.press(.character("r"))
        #expect(driver.modalName == "rotate")
        await driver.press(.tab, .tab)  // grace → delivery (a folder already) → folder field
        await driver.type(folder)
        await driver.press(.enter)
        // One confirmation names the count; Cancel has the focus, so move to the confirm button first.
        guard case .confirm(let confirm) = driver.state.modal else { Issue.record("no confirmation"); return }
        #expect(confirm.title == "Rotate 3 clients?")
        await driver.press(.tab)
        await driver.press(.enter)
        #expect(driver.modalName == "progress")
        #expect(await driver.settle { $0.modal?.name == "message" })
        guard case .message(let message) = driver.state.modal else { return }
        #expect(message.lines.first == "3 clients: 3 rotated, 0 waiting, 0 failed.", "\(message.lines)")
        #expect(driver.state.clients.marked.isEmpty)
        let started = try fixture.registry.rotations(includeFinished: true).filter { !before.contains($0.rotation.id!) }
        #expect(started.map(\.rotation.clientRowId).sorted() == rows.map(\.id).sorted())
        for row in rows {
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0 == "\(row.displayName).secret" || $0.hasSuffix("~\(row.id).secret") }
            #expect(files.count == 1, "\(row.displayName): \(files)")
            var status = stat()
            #expect(stat(folder + "/" + files[0], &status) == 0 && status.st_mode & 0o777 == 0o600)
        }
    }
}
