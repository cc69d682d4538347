import Foundation
@testable import ClienteleTUI

/// One demo registry shared by read-only tests (snapshots), built once per test run.
enum SharedDemo {
    private static let task = Task { try await DemoFixture.make() }

    static func fixture() async throws -> DemoFixture { try await task.value }
}
