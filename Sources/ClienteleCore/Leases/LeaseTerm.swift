import Foundation

/// How long a rotation's lease lasts without renewal, and how often its holder renews it.
///
/// Leases run on real time, never on `CLIENTELE_TEST_NOW`: they say whether a process is still at work, which a
/// moved business clock does not change. A cron job run with the clock moved on must not take over from a console
/// that is alive. Whose real time: the registry's (`StoreTransaction.leaseTime`), so hosts whose clocks disagree
/// still agree on when a lease ends.
public struct LeaseTerm: Sendable, Equatable {
    public var duration: TimeInterval

    public init(duration: TimeInterval) {
        self.duration = duration
    }

    /// A third of the term: two renewals may fail (a busy registry) before another process may take over.
    public var renewalInterval: TimeInterval { duration / 3 }

    public static let standard = LeaseTerm(duration: 120)

    /// The only hook through which a test may shorten the lease of a real `clientele` process.
    public static let testHookVariable = "CLIENTELE_TEST_LEASE"

    /// The standard term, unless the test hook gives one in seconds. A malformed value is an error, so that a test
    /// cannot pass by running on the long standard term by accident.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> LeaseTerm
    {
        guard let text = environment[testHookVariable], !text.isEmpty else { return .standard }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0.1, seconds <= 86_400 else {
            throw ClienteleError.invalidInput("\(testHookVariable)='\(text)' is not a number of seconds from 0.1 to 86400")
        }
        return LeaseTerm(duration: seconds)
    }

    /// The term this process runs on; `GlobalOptions` has already refused a malformed hook with one line.
    public static let process: LeaseTerm = (try? fromEnvironment()) ?? .standard
}
