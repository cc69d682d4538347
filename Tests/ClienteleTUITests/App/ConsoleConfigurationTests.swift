import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The console reads the configuration file the CLI reads: expiry thresholds and the default grace and lifetime.
@Suite(.serialized) struct ConsoleConfigurationTests {
    static func configuration() throws -> ClienteleConfiguration {
        let directory = NSTemporaryDirectory() + "clientele-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.yaml"
        try """
            expiry:
              notice: 120d
              warning: 60d
              critical: 45d
            rotation:
              grace: 3d
              lifetime: 180d
            """.write(toFile: path, atomically: true, encoding: .utf8)
        // The same loader the CLI's --config-file goes through.
        return try ClienteleConfiguration.load(explicit: path)
    }

    @Test func rotateDialogStartsWithTheConfiguredGraceAndLifetime() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture, configuration: try Self.configuration())
        await driver.start()
        await driver.press(.character("r"))
        guard case .rotate(let dialog) = driver.state.modal else { Issue.record("no dialog"); return }
        #expect(dialog.grace.text == "3d")
        #expect(dialog.lifetime == .days(180))
        #expect(driver.performed.contains {
            if case .previewRotation(_, let grace) = $0 { grace == .days(3) } else { false }
        })
    }

    @Test func expiringUsesTheConfiguredThresholds() async throws {
        let fixture = try await SharedDemo.fixture()
        let driver = Driver(fixture, size: Size(width: 120, height: 40), configuration: try Self.configuration())
        await driver.start()
        await driver.press(.character("3"))
        #expect(driver.performed.contains {
            if case .loadExpiring(let window) = $0 { window == .days(120) } else { false }
        })
        let text = driver.screenText
        #expect(text.contains("Within 45 days"), "\(text)")
        #expect(!text.contains("Within 7 days"))
        // The CLI's classes for the same secrets, from the same thresholds.
        let thresholds = try Self.configuration().expiry
        let secrets = try fixture.registry.expiringSecrets(within: thresholds.notice)
        let critical = secrets.filter { thresholds.classify($0.expiresAt, now: DemoFixture.now) == .critical }
        let heading = driver.state.expiring.rows.compactMap { row -> Int? in
            if case .group(let title, let count, _) = row, title == "Within 45 days" { return count }
            return nil
        }
        #expect(heading == (critical.isEmpty ? [] : [critical.count]))
    }
}
