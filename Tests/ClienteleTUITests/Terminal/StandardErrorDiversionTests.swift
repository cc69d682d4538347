import Foundation
import Testing
@testable import ClienteleTUI

struct StandardErrorDiversionTests {
    @Test func standardErrorGoesToAnOwnerOnlyLogUntilEnded() throws {
        let folder = NSTemporaryDirectory() + "clientele-diversion-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/state/clientele/console.log"
        let diversion = try #require(StandardErrorDiversion(to: path, session: "test session"))
        FileHandle.standardError.write(Data("a warning the screen must not show\n".utf8))
        let logged = diversion.end()
        // The session line is not counted as logged: only what arrived on standard error.
        #expect(logged == 35)
        let expected = "--- test session\na warning the screen must not show\n"
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        // Standard error is back where it was: later writes do not reach the log.
        FileHandle.standardError.write(Data("(StandardErrorDiversionTests: this line belongs on standard error)\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    @Test func aPathThatCannotBeOpenedLeavesStandardErrorAlone() {
        #expect(StandardErrorDiversion(to: "/proc/clientele-cannot-write-here/console.log", session: "s") == nil)
    }
}
