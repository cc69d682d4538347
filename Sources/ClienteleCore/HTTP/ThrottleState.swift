import Foundation

/// The arithmetic of one peer's throttle gate, without clocks or waiting, so it can be tested step by step.
///
/// Two things are kept: a pause (until when nothing may be sent to the peer: its latest `Retry-After`) and how
/// many requests may be in flight, which follows additive increase, multiplicative decrease: each throttled
/// episode halves it, each success adds 1/limit (about one more per round of successes). Parallel rotations thus
/// slow down together when the peer pushes back and speed up again as it lets them through.
struct ThrottleState: Sendable, Equatable {
    enum Admission: Equatable {
        case go
        /// Nothing may be sent before this instant.
        case pause(until: Date)
        /// As many requests as allowed are in flight; wait for one to finish.
        case full
    }

    /// The most requests in flight at once, and where the limit starts: optimistic, since a peer that never
    /// pushes back should see no gate at all.
    let ceiling: Double
    private(set) var limit: Double
    private(set) var inFlight = 0
    private(set) var pausedUntil: Date = .distantPast
    /// When the limit was last halved: a 429 for a request sent before then belongs to the episode already counted.
    private(set) var lastDecrease: Date = .distantPast

    init(ceiling: Int) {
        self.ceiling = Double(max(1, ceiling))
        self.limit = self.ceiling
    }

    /// Whether a request may be sent now. `served` is the pause the caller has already waited out: a request
    /// that slept until then goes even if its sleep ended a hair early, but waits again for a later pause.
    mutating func admit(now: Date, served: Date? = nil) -> Admission {
        if pausedUntil > now, served.map({ $0 < pausedUntil }) ?? true { return .pause(until: pausedUntil) }
        guard Double(inFlight) < limit.rounded(.down) else { return .full }
        inFlight += 1
        return .go
    }

    mutating func succeeded() {
        inFlight = max(0, inFlight - 1)
        limit = min(ceiling, limit + 1 / limit)
    }

    /// A request sent at `sentAt` was throttled at `now` with `retryAfter`; returns the pause everyone now keeps.
    @discardableResult
    mutating func throttled(sentAt: Date, now: Date, retryAfter: TimeInterval) -> Date {
        inFlight = max(0, inFlight - 1)
        if sentAt >= lastDecrease {
            limit = max(1, limit / 2)
            lastDecrease = now
        }
        pausedUntil = max(pausedUntil, now.addingTimeInterval(retryAfter))
        return pausedUntil
    }

    /// A request ended without telling anything about the peer's limit (a transport failure, an error status).
    mutating func abandoned() {
        inFlight = max(0, inFlight - 1)
    }

    /// How many more requests may start now, for waking queued ones.
    var openSlots: Int { max(0, Int(limit.rounded(.down)) - inFlight) }
}
