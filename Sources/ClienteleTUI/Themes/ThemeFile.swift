import Foundation
import Yams

/// A theme file's problem, as one line naming the file and the key.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String?
    public var problem: String

    public var description: String {
        "theme \(file)" + (key.map { ": \($0)" } ?? "") + ": \(problem)"
    }
}

/// Reads a theme from YAML:
///
///     name: dark
///     monochrome: false          # optional
///     styles:
///       selected: { fg: "231", bg: "#005f87", bold: true }
///
/// Roles not named keep the built-in default; an unknown role, attribute or colour is an error naming its key, so a
/// typo is reported rather than silently ignored.
public enum ThemeFile {
    static let attributes = ["fg", "bg", "bold", "dim", "underline", "reverse", "italic"]

    public static func load(path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, key: nil, problem: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, key: nil, problem: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Theme {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            let line = (error as? YamlError).map(describe) ?? "is not valid YAML"
            throw ThemeError(file: file, key: nil, problem: line)
        }
        guard let root = document as? [String: Any] else {
            throw ThemeError(file: file, key: nil, problem: "must be a mapping with `name` and `styles`")
        }
        for key in root.keys.sorted() where !["name", "monochrome", "styles", "description"].contains(key) {
            throw ThemeError(file: file, key: key, problem: "unknown key (known: name, description, monochrome, styles)")
        }
        let fallbackName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = (root["name"] as? String) ?? fallbackName
        var monochrome = false
        if let value = root["monochrome"] {
            guard let flag = value as? Bool else {
                throw ThemeError(file: file, key: "monochrome", problem: "must be true or false")
            }
            monochrome = flag
        }
        var styles = Theme.builtInDefault.styles
        if let rawStyles = root["styles"] {
            guard let mapping = rawStyles as? [String: Any] else {
                throw ThemeError(file: file, key: "styles", problem: "must be a mapping of role to style")
            }
            for roleName in mapping.keys.sorted() {
                guard let role = StyleRole.allCases.first(where: { $0.themeKey == roleName }) else {
                    throw ThemeError(
                        file: file, key: "styles.\(roleName)",
                        problem: "unknown role (known: \(StyleRole.allCases.map(\.themeKey).joined(separator: ", ")))")
                }
                styles[role] = try style(mapping[roleName], key: "styles.\(roleName)", file: file)
            }
        }
        return Theme(name: name, styles: styles, monochrome: monochrome)
    }

    static func style(_ value: Any?, key: String, file: String) throws -> ThemeStyle {
        guard let mapping = value as? [String: Any] else {
            throw ThemeError(file: file, key: key, problem: "must be a mapping such as { fg: cyan, bold: true }")
        }
        var style = ThemeStyle()
        for attribute in mapping.keys.sorted() {
            let path = "\(key).\(attribute)"
            let raw = mapping[attribute]
            switch attribute {
            case "fg", "bg":
                let text = raw.map { "\($0)" } ?? ""
                guard let color = ThemeColor(parsing: text) else {
                    throw ThemeError(
                        file: file, key: path,
                        problem: "'\(text)' is not a colour (use default, a name such as cyan or bright-red, 0–255, or #rrggbb)")
                }
                if attribute == "fg" { style.foreground = color } else { style.background = color }
            case "bold", "dim", "underline", "reverse", "italic":
                guard let flag = raw as? Bool else {
                    throw ThemeError(file: file, key: path, problem: "must be true or false")
                }
                switch attribute {
                case "bold": style.bold = flag
                case "dim": style.dim = flag
                case "underline": style.underline = flag
                case "reverse": style.reverse = flag
                default: style.italic = flag
                }
            default:
                throw ThemeError(
                    file: file, key: path, problem: "unknown attribute (known: \(attributes.joined(separator: ", ")))")
            }
        }
        return style
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return "line \(mark.line): \(problem)"
        default:
            return "is not valid YAML"
        }
    }
}
