import Foundation

/// Where the registry lives: `--registry PATH` (or a `postgres://` URL), else `$CLIENTELE_REGISTRY`, else
/// `$XDG_DATA_HOME/clientele/registry.sqlite` (XDG's default data home is `~/.local/share`).
public enum RegistryLocation {
    public static let environmentVariable = "CLIENTELE_REGISTRY"

    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let explicit, !explicit.isEmpty { return expand(explicit) }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return expand(fromEnvironment)
        }
        return dataHome(environment) + "/clientele/registry.sqlite"
    }

    public static func dataHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg }
        return home(environment) + "/.local/share"
    }

    public static func configHome(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg }
        return home(environment) + "/.config"
    }

    /// Where logs written while the console owns the screen go (XDG's default state home is `~/.local/state`).
    public static func consoleLog(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? home(environment) + "/.local/state"
        return state + "/clientele/console.log"
    }

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }

    /// `~` expanded and a relative path made absolute, so files named beside the registry (its sandboxes' state
    /// files) and messages that name it stay right whatever the working directory.
    static func expand(_ path: String) -> String {
        // A PostgreSQL URL names a server, not a file.
        if PostgresLocation.isPostgres(path) { return path }
        return AbsolutePath.of(path)
    }

    /// The sandbox IdP's state file beside a registry: `registry.sqlite` → `registry.sandbox-NAME.sqlite`.
    public static func sandboxStateFile(besideRegistry registry: String, idpName: String) -> String {
        let url = URL(fileURLWithPath: registry)
        let base = url.deletingPathExtension().lastPathComponent
        let safeName = idpName.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return url.deletingLastPathComponent().appendingPathComponent("\(base).sandbox-\(String(safeName)).sqlite").path
    }
}
