import Foundation
import Testing

@testable import ClienteleCore

/// The peer gate's arithmetic and its waiting, with a clock the test moves: no test here sleeps.
struct ThrottleGateTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aPeerThatNeverPushesBackSeesNoGate() {
        var state = ThrottleState(ceiling: 4)
        for _ in 0..<4 { #expect(state.admit(now: t0) == .go) }
        #expect(state.admit(now: t0) == .full)
        state.succeeded()
        #expect(state.admit(now: t0) == .go)
    }

    @Test func retryAfterPausesEveryRequestUntilThen() {
        var state = ThrottleState(ceiling: 8)
        #expect(state.admit(now: t0) == .go)
        let until = state.throttled(sentAt: t0, now: t0 + 1, retryAfter: 15)
        #expect(until == t0 + 16)
        // Another request, which never saw the 429, is held back too.
        #expect(state.admit(now: t0 + 2) == .pause(until: t0 + 16))
        #expect(state.admit(now: t0 + 16) == .go)
    }

    @Test func aRequestThatSleptThroughThePauseGoesEvenIfItWokeAHairEarly() {
        var state = ThrottleState(ceiling: 8)
        _ = state.admit(now: t0)
        let until = state.throttled(sentAt: t0, now: t0, retryAfter: 1)
        #expect(state.admit(now: t0 + 0.999, served: until) == .go)
        // But a later pause, set while it slept, holds it again.
        let later = state.throttled(sentAt: t0 + 0.5, now: t0 + 0.5, retryAfter: 3)
        #expect(state.admit(now: t0 + 1, served: until) == .pause(until: later))
    }

    @Test func oneThrottledEpisodeHalvesTheLimitOnce() {
        var state = ThrottleState(ceiling: 8)
        for _ in 0..<8 { _ = state.admit(now: t0) }
        // Eight requests sent together, all throttled: one decrease, not eight.
        for _ in 0..<8 { state.throttled(sentAt: t0, now: t0 + 1, retryAfter: 1) }
        #expect(state.limit == 4)
        #expect(state.inFlight == 0)
        // A request sent after that decrease and throttled again is a new episode.
        for _ in 0..<4 { #expect(state.admit(now: t0 + 2, served: t0 + 2) == .go) }
        #expect(state.admit(now: t0 + 2, served: t0 + 2) == .full)
        state.throttled(sentAt: t0 + 2, now: t0 + 3, retryAfter: 1)
        #expect(state.limit == 2)
    }

    @Test func theLimitNeverFallsBelowOneRequest() {
        var state = ThrottleState(ceiling: 2)
        for step in 0..<6 {
            let at = t0 + Double(step)
            _ = state.admit(now: at, served: at)
            state.throttled(sentAt: at, now: at, retryAfter: 0)
        }
        #expect(state.limit == 1)
        #expect(state.admit(now: t0 + 10) == .go)
    }

    @Test func successesRaiseTheLimitByAboutOneARound() {
        var state = ThrottleState(ceiling: 16)
        _ = state.admit(now: t0)
        state.throttled(sentAt: t0, now: t0, retryAfter: 0)
        #expect(state.limit == 8)
        for _ in 0..<8 {
            _ = state.admit(now: t0 + 1)
            state.succeeded()
        }
        #expect(state.limit > 8.9 && state.limit < 9.1)
        for _ in 0..<1000 {
            _ = state.admit(now: t0 + 1)
            state.succeeded()
        }
        #expect(state.limit == 16)
    }

    @Test func theGateSleepsOnceForASharedPauseThenQueuesBeyondTheLimit() async throws {
        let clock = FakeClock(t0)
        let gate = ThrottleGate(ceiling: 2, now: { clock.now })
        let first = try await gate.enter(sleep: clock.sleep)
        _ = try await gate.enter(sleep: clock.sleep)
        let pause = await gate.throttled(sentAt: first, retryAfter: 5)
        #expect(pause.wait == 5)
        #expect(pause.until == t0 + 5)
        // The limit is now 1 with one request still in flight: a third sleeps out the pause, once, then queues
        // for the slot instead of polling.
        let third = Task { try await gate.enter(sleep: clock.sleep) }
        while await gate.waiting == 0 { await Task.yield() }
        #expect(clock.sleeps == [5])
        await gate.succeeded()
        #expect(try await third.value == t0 + 5)
    }

    @Test func aPrivateGateKeepsEachPauseToTheRequestThatWasTold() async throws {
        let clock = FakeClock(t0)
        let gate = ThrottleGate(ceiling: 4, sharesPauses: false, now: { clock.now })
        let first = try await gate.enter(sleep: clock.sleep)
        let pause = await gate.throttled(sentAt: first, retryAfter: 2)
        #expect(pause.wait == 2)
        _ = try await gate.enter(sleep: clock.sleep)
        #expect(clock.sleeps.isEmpty)
    }
}

/// A clock whose sleeps move it forward at once, recording each.
final class FakeClock: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var current: Date
    private var slept: [TimeInterval] = []

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    var sleeps: [TimeInterval] { lock.withLock { slept } }

    var sleep: @Sendable (TimeInterval) async throws -> Void {
        { [self] seconds in
            lock.withLock {
                slept.append(seconds)
                current += seconds
            }
        }
    }
}
