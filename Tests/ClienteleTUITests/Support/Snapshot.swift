import Foundation
import Testing
@testable import ClienteleTUI

/// Render snapshots as reviewable text files: the frame's text, then one role code per cell (see StyleRole.code).
/// `UPDATE_SNAPSHOTS=1 swift test` rewrites them; a mismatch is reported as a line diff.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static func text(of buffer: CellBuffer) -> String {
        let rule = String(repeating: "─", count: buffer.size.width)
        return (["┌ \(buffer.size) text"] + buffer.textLines.map { "│" + $0 + "│" } + ["└" + rule,
                "┌ roles"] + buffer.roleLines.map { "│" + $0 + "│" } + ["└" + rule]).joined(separator: "\n") + "\n"
    }

    static func assertMatches(_ buffer: CellBuffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent("\(name).\(buffer.size.width)x\(buffer.size.height).txt")
        let actual = text(of: buffer)
        let update = ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1"
        let expected = try? String(contentsOf: file, encoding: .utf8)
        if update || expected == nil {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            if !update {
                Issue.record("new snapshot written: \(file.path); review it and run again", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected, expected != actual else { return }
        Issue.record("snapshot \(name) differs (UPDATE_SNAPSHOTS=1 rewrites it):\n\(diff(expected, actual))",
                     sourceLocation: sourceLocation)
    }

    /// A minimal line diff: changed lines with their numbers, enough to see what moved.
    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : nil
            let right = index < b.count ? String(b[index]) : nil
            if left != right {
                if let left { lines.append("-\(index + 1)\t\(left)") }
                if let right { lines.append("+\(index + 1)\t\(right)") }
            }
        }
        return lines.prefix(60).joined(separator: "\n")
    }
}
