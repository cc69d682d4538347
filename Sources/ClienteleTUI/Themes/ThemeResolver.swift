import Foundation
import ClienteleCore

/// Finds and loads the theme to use: `--theme NAME|PATH`, else `$CLIENTELE_THEME`, else `dark`; `NO_COLOR`
/// (https://no-color.org) forces monochrome whatever was chosen. A name is looked up as NAME.yaml in
/// `$XDG_CONFIG_HOME/clientele/themes`, in a `themes/` folder beside or above the executable (so `swift run` and
/// `.build/debug/clientele` find the repository's), then `./themes`. A missing or bad file yields the built-in
/// default and one warning line naming the file and key.
public struct ThemeResolver: Sendable {
    public var environment: [String: String]
    public var executablePath: String?
    public var workingDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                executablePath: String? = ThemeResolver.currentExecutable(),
                workingDirectory: String = FileManager.default.currentDirectoryPath)
    {
        self.environment = environment
        self.executablePath = executablePath
        self.workingDirectory = workingDirectory
    }

    public static let defaultName = "dark"
    public static let environmentVariable = "CLIENTELE_THEME"

    public struct Resolution: Sendable {
        public var theme: Theme
        /// One line for standard error (and the console's status line) when the chosen theme could not be used.
        public var warning: String?
    }

    public func resolve(_ requested: String?) -> Resolution {
        let choice = [requested, environment[Self.environmentVariable]].compactMap { $0 }
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? Self.defaultName
        var resolution = load(choice)
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            resolution.theme = resolution.theme.monochromed
        }
        return resolution
    }

    func load(_ choice: String) -> Resolution {
        let isPath = choice.contains("/") || choice.hasSuffix(".yaml") || choice.hasSuffix(".yml")
        let candidates = isPath ? [AbsolutePath.of(choice, from: workingDirectory)] : searchDirectories().flatMap {
            ["\($0)/\(choice).yaml", "\($0)/\(choice).yml"]
        }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            if !isPath && choice == Self.defaultName { return Resolution(theme: .builtInDefault, warning: nil) }
            let names = availableNames()
            return Resolution(
                theme: .builtInDefault,
                warning: "theme '\(choice)' not found" + (isPath ? "" : " (available: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
                    + "; using the built-in default")
        }
        do {
            return Resolution(theme: try ThemeFile.load(path: path), warning: nil)
        } catch {
            return Resolution(theme: .builtInDefault, warning: "\(error); using the built-in default")
        }
    }

    /// Where theme names are looked up, in order.
    public func searchDirectories() -> [String] {
        var directories: [String] = []
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        directories.append(configHome + "/clientele/themes")
        if let executablePath {
            var directory = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
            for _ in 0..<8 {
                directories.append(directory.appendingPathComponent("themes").path)
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        directories.append(workingDirectory + "/themes")
        return directories
    }

    public func availableNames() -> [String] {
        var names = Set<String>()
        for directory in searchDirectories() {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                names.insert((file as NSString).deletingPathExtension)
            }
        }
        return names.sorted()
    }


    public static func currentExecutable() -> String? {
        #if os(Linux)
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        #endif
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
