import Foundation
import Testing
@testable import ClienteleTUI

struct ThemeTests {
    static let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

    @Test(arguments: ["dark", "light", "high-contrast", "colorblind", "monochrome"])
    func shippedThemesLoadAndStyleEveryRole(name: String) throws {
        let theme = try ThemeFile.load(path: "\(Self.repositoryThemes)/\(name).yaml")
        #expect(theme.name == name)
        for role in StyleRole.allCases where role != .normal {
            #expect(theme.styles[role] != nil, "\(name) leaves \(role.themeKey) to the default")
        }
        if name == "monochrome" {
            #expect(theme.monochrome)
            #expect(theme.style(.selected) == ThemeStyle(reverse: true))
        }
    }

    @Test func darkFileMatchesTheBuiltInDefault() throws {
        let dark = try ThemeFile.load(path: "\(Self.repositoryThemes)/dark.yaml")
        #expect(dark.styles == Theme.builtInDefault.styles)
    }

    @Test func aBadColourNamesTheFileAndTheKey() {
        #expect(throws: ThemeError(file: "t.yaml", key: "styles.selected.fg",
                                   problem: "'purpel' is not a colour (use default, a name such as cyan or bright-red, 0–255, or #rrggbb)")) {
            try ThemeFile.parse("styles:\n  selected: { fg: purpel }\n", file: "t.yaml")
        }
        #expect(throws: ThemeError.self) { try ThemeFile.parse("styles:\n  selceted: {}\n", file: "t.yaml") }
        #expect(throws: ThemeError.self) { try ThemeFile.parse("styles: [1, 2\n", file: "t.yaml") }
        #expect(throws: ThemeError.self) { try ThemeFile.parse("styles:\n  ok: { bold: maybe }\n", file: "t.yaml") }
    }

    @Test func resolverFallsBackWithOneLineAndHonoursNoColor() throws {
        let directory = NSTemporaryDirectory() + "themes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/themes", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "styles:\n  ok: { fg: nope }\n".write(toFile: directory + "/themes/broken.yaml", atomically: true, encoding: .utf8)
        let resolver = ThemeResolver(environment: ["HOME": directory], executablePath: nil, workingDirectory: directory)
        let broken = resolver.resolve("broken")
        #expect(broken.theme == .builtInDefault)
        #expect(broken.warning?.contains("broken.yaml: styles.ok.fg") == true)
        #expect(broken.warning?.contains("\n") == false)
        let missing = resolver.resolve("nosuch")
        #expect(missing.warning?.contains("not found") == true)
        #expect(resolver.resolve(nil).warning == nil)
        let fromEnvironment = ThemeResolver(environment: ["HOME": directory, "CLIENTELE_THEME": "broken"],
                                            executablePath: nil, workingDirectory: directory).resolve(nil)
        #expect(fromEnvironment.warning != nil)
        let noColor = ThemeResolver(environment: ["HOME": directory, "NO_COLOR": "1"], executablePath: nil,
                                    workingDirectory: directory).resolve(nil)
        #expect(noColor.theme.monochrome)
        #expect(noColor.theme.style(.expired).foreground == .terminalDefault)
    }

    @Test func resolverFindsThemesAboveTheExecutable() {
        let resolver = ThemeResolver(environment: ["HOME": "/nonexistent"],
                                     executablePath: Self.repositoryThemes + "/../.build/debug/clientele",
                                     workingDirectory: "/")
        let resolved = resolver.resolve("light")
        #expect(resolved.warning == nil)
        #expect(resolved.theme.name == "light")
    }

    @Test func coloursParseAndDowngrade() {
        #expect(ThemeColor(parsing: "bright-red") == .indexed(9))
        #expect(ThemeColor(parsing: "default") == .terminalDefault)
        #expect(ThemeColor(parsing: "#ff0000") == .indexed(196))
        #expect(ThemeColor(parsing: "300") == nil)
        #expect(ThemeColor.indexed(196).downgraded(toColors: 8) == .indexed(1))
        #expect(ThemeColor.indexed(9).downgraded(toColors: 8) == .indexed(1))
        #expect(ThemeColor.indexed(24).downgraded(toColors: 256) == .indexed(24))
    }
}
