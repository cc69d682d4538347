import Foundation
import Yams

/// Operator settings from `config.yaml` (`--config PATH`, else `$XDG_CONFIG_HOME/clientele/config.yaml` when it
/// exists). Every key is optional:
///
///     expiry:
///       notice: 90d
///       warning: 30d
///       critical: 7d
///     rotation:
///       grace: 7d
///       lifetime: 365d
///       hold-step: 1d     # when a caller still uses the old secret as the grace ends, wait this much longer
///       hold-max: 14d     # at most this much longer in all; then the rotation waits for an operator
public struct ClienteleConfiguration: Sendable, Hashable {
    public var expiry: ExpiryThresholds
    public var defaultGrace: DurationText
    public var defaultLifetime: DurationText?
    public var holdStep: DurationText
    public var holdMax: DurationText

    public init(expiry: ExpiryThresholds = .standard, defaultGrace: DurationText = .days(7),
                defaultLifetime: DurationText? = nil, holdStep: DurationText = RotationDefaults.standard.holdStep,
                holdMax: DurationText = RotationDefaults.standard.holdMax)
    {
        self.expiry = expiry
        self.defaultGrace = defaultGrace
        self.defaultLifetime = defaultLifetime
        self.holdStep = holdStep
        self.holdMax = holdMax
    }

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        RegistryLocation.configHome(environment) + "/clientele/config.yaml"
    }

    /// Loads `explicit` (which must exist) or the default file (which may not).
    public static func load(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ClienteleConfiguration
    {
        let path = explicit ?? defaultPath(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit != nil { throw ClienteleError.invalidInput("config file \(path) does not exist") }
            return ClienteleConfiguration()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ClienteleError.invalidInput("config file \(path) is not readable UTF-8 text")
        }
        return try parse(text, source: path)
    }

    static let knownKeys: [String: Set<String>] = [
        "expiry": ["notice", "warning", "critical"], "rotation": ["grace", "lifetime", "hold-step", "hold-max"],
    ]

    public static func parse(_ text: String, source: String) throws -> ClienteleConfiguration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ClienteleError.invalidInput("config file \(source): not valid YAML (\(String(describing: error).prefix(120)))")
        }
        var configuration = ClienteleConfiguration()
        guard let root = node else { return configuration }
        guard let mapping = root.mapping else {
            throw ClienteleError.invalidInput("config file \(source): the top level must be a mapping")
        }
        for (keyNode, value) in mapping {
            let section = keyNode.string ?? ""
            guard let allowed = knownKeys[section] else {
                throw ClienteleError.invalidInput(
                    "config file \(source): unknown key '\(section)' (known: \(knownKeys.keys.sorted().joined(separator: ", ")))")
            }
            guard let entries = value.mapping else {
                throw ClienteleError.invalidInput("config file \(source): key '\(section)' must be a mapping")
            }
            for (entryKey, entryValue) in entries {
                let key = entryKey.string ?? ""
                guard allowed.contains(key) else {
                    throw ClienteleError.invalidInput(
                        "config file \(source): unknown key '\(section).\(key)' (known: \(allowed.sorted().map { "\(section).\($0)" }.joined(separator: ", ")))")
                }
                let raw = entryValue.string ?? ""
                guard let duration = DurationText(parsing: raw) else {
                    throw ClienteleError.invalidInput(
                        "config file \(source): key '\(section).\(key)': '\(raw)' is not \(DurationText.formatHint)")
                }
                switch (section, key) {
                case ("expiry", "notice"): configuration.expiry.notice = duration
                case ("expiry", "warning"): configuration.expiry.warning = duration
                case ("expiry", "critical"): configuration.expiry.critical = duration
                case ("rotation", "grace"): configuration.defaultGrace = duration
                case ("rotation", "hold-step"), ("rotation", "hold-max"):
                    guard duration.seconds > 0 else {
                        throw ClienteleError.invalidInput(
                            "config file \(source): key 'rotation.\(key)' must be longer than 0")
                    }
                    if key == "hold-step" { configuration.holdStep = duration } else { configuration.holdMax = duration }
                default:
                    guard duration.seconds > 0 else {
                        throw ClienteleError.invalidInput(
                            "config file \(source): key 'rotation.lifetime': a new secret's lifetime must be longer than 0")
                    }
                    configuration.defaultLifetime = duration
                }
            }
        }
        configuration.expiry = try configuration.expiry.validated(source: "config file \(source)")
        if configuration.holdStep.seconds > configuration.holdMax.seconds {
            throw ClienteleError.invalidInput(
                "config file \(source): key 'rotation.hold-step' (\(configuration.holdStep)) is longer than 'rotation.hold-max' (\(configuration.holdMax))")
        }
        return configuration
    }
}
