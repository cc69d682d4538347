import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The real loop on the in-memory terminal: it keeps what the terminal shows and writes only what changed.
@Suite(.serialized) struct ConsoleLoopTests {
    @Test func aKeystrokeWritesOnlyTheCellsThatChanged() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture)
        await driver.start()
        let full = Size(width: 80, height: 24).width * 24
        #expect(driver.terminal.writeCounts.first == full)
        #expect(driver.terminal.clears == 1)
        let before = driver.terminal.writeCounts.count
        await driver.press(.down)
        let after = driver.terminal.writeCounts.dropFirst(before)
        #expect(!after.isEmpty)
        // Two rows' selection bar and the position counter, not the frame.
        #expect(after.reduce(0, +) > 0 && after.reduce(0, +) < full / 4, "\(Array(after))")
        #expect(driver.terminal.screen == ConsoleRender.render(driver.state))
        #expect(driver.terminal.clears == 1)
    }

    @Test func aResizeClearsAndRepaintsAtTheNewSize() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture)
        await driver.start()
        driver.terminal.size = Size(width: 100, height: 30)
        await driver.quiesce()
        #expect(driver.state.size == Size(width: 100, height: 30))
        #expect(driver.terminal.clears == 2)
        #expect(driver.terminal.writeCounts.last == 100 * 30)
        #expect(driver.terminal.screen == ConsoleRender.render(driver.state))
    }

    @Test func runStopsOnQuitAndDrawsTheLastFrame() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture)
        driver.terminal.pendingKeys = [.character("j"), .character("q")]
        driver.loop.run(maxIdleRounds: 500)
        #expect(driver.state.quitting)
        #expect(driver.terminal.screen == ConsoleRender.render(driver.state))
    }

    @Test func aResultPostedWhileTheLoopWaitsForAKeyEndsTheWait() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture)
        await driver.start()
        driver.terminal.waitsWhenIdle = true
        // With nothing posted the wait is the whole timeout, as on a real terminal nobody types on.
        var started = Date()
        driver.loop.step(waitMilliseconds: 200)
        #expect(Date().timeIntervalSince(started) >= 0.19)

        let inbox = driver.inbox
        started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { inbox.post(.tick(DemoFixture.now)) }
        driver.loop.step(waitMilliseconds: 5_000)
        #expect(Date().timeIntervalSince(started) < 2, "the post did not end the wait for a key")
        #expect(!driver.inbox.isEmpty, "the posted action waits for the next round")
    }
}
