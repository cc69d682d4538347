import Foundation
import Testing
@testable import ClienteleTUI

struct StandardErrorDiversionTests {
    @Test func standardErrorGoesToAnOwnerOnlyLogUntilEnded() throws {
        let folder = NSTemporaryDirectory() + "clientele-diversion-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/state/clientele/console.log"
        let diversion = try #require(StandardErrorDiversion(to: path))
        FileHandle.standardError.write(Data("a warning the screen must not show\n".utf8))
        let logged = diversion.end()
        #expect(logged == 35)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a warning the screen must not show\n")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        // Standard error is back where it was: later writes do not reach the log.
        FileHandle.standardError.write(Data("(StandardErrorDiversionTests: this line belongs on standard error)\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == 35)
    }

    @Test func aPathThatCannotBeOpenedLeavesStandardErrorAlone() {
        #expect(StandardErrorDiversion(to: "/proc/clientele-cannot-write-here/console.log") == nil)
    }
}
