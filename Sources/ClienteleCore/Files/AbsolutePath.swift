import Foundation

/// Paths as the registry and rotations keep them: absolute, so a later process started elsewhere (cron's
/// `rotations advance`, the console) finds the same file; `~` expanded, as operators type it.
public enum AbsolutePath {
    public static func of(_ path: String, from directory: String = FileManager.default.currentDirectoryPath) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return URL(fileURLWithPath: directory).appendingPathComponent(expanded).standardizedFileURL.path
    }
}
