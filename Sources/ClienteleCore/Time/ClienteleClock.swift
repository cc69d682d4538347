import Foundation

/// The one source of "now" in Clientele. Every service takes its time from here so that tests can move time
/// (past a grace period, past an expiry) without sleeping.
public struct ClienteleClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public var now: Date { read() }

    /// A clock frozen at `date`, for tests and for reproducible demos.
    public static func fixed(_ date: Date) -> ClienteleClock { ClienteleClock { date } }

    public static let wall = ClienteleClock { Date() }

    /// The name of the only hook through which a test may move the clock of a real `clientele` process.
    public static let testHookVariable = "CLIENTELE_TEST_NOW"

    /// The wall clock, unless the test hook names another instant (an ISO 8601 date, for example
    /// `2027-01-01T00:00:00Z`). A malformed value is an error rather than silently the wall clock, so that a test
    /// cannot pass by accident.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ClienteleClock
    {
        guard let text = environment[testHookVariable], !text.isEmpty else { return .wall }
        guard let date = Timestamp.parse(text) else {
            throw ClienteleError.invalidInput("\(testHookVariable)='\(text)' is not an ISO 8601 date")
        }
        return .fixed(date)
    }
}
