import ClienteleCore

/// How the lead's CLI starts the console.
public struct ConsoleOptions: Sendable {
    public var registryPath: String
    /// Nothing that changes the registry or an IdP is offered or carried out.
    public var readonly: Bool
    /// `--theme NAME|PATH`; nil falls back to `$CLIENTELE_THEME`, then `dark`.
    public var theme: String?
    /// Who the audit trail records for the console's changes.
    public var actor: String
    /// How often to ask the registry whether another process changed it.
    public var pollInterval: Double
    public var environment: [String: String]
    /// Where standard error goes while the console owns the screen.
    public var logPath: String
    /// The settings file the CLI reads too (expiry thresholds, default grace and lifetime).
    public var configuration: ClienteleConfiguration

    public init(registryPath: String, readonly: Bool = false, theme: String? = nil, actor: String,
                pollInterval: Double = 1, configuration: ClienteleConfiguration = ClienteleConfiguration(),
                environment: [String: String] = ProcessInfo.processInfo.environment)
    {
        self.configuration = configuration
        self.logPath = RegistryLocation.consoleLog(environment)
        self.registryPath = registryPath
        self.readonly = readonly
        self.theme = theme
        self.actor = actor
        self.pollInterval = Self.testPollInterval(environment) ?? pollInterval
        self.environment = environment
    }

    /// The only hook through which a test may slow the revision poll, to show that another process's change
    /// arrives by notification and not by the poll. Malformed or out of range, it is not used.
    public static let testPollVariable = "CLIENTELE_TEST_POLL"

    static func testPollInterval(_ environment: [String: String]) -> Double? {
        guard let text = environment[testPollVariable], let seconds = Double(text), (0.1...3600).contains(seconds)
        else { return nil }
        return seconds
    }
}

import Foundation
