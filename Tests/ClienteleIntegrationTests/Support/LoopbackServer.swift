import Foundation

/// A real server on 127.0.0.1 started through one of the project's entry points (`scripts/graph-test-server`,
/// `scripts/oidc-test-server`), which print one JSON line when ready. Stopped with SIGTERM when released.
final class LoopbackServer: @unchecked Sendable {
    // @unchecked: `process` and `ready` are set once in init and only read afterwards; `stop()` is idempotent
    // because Process.terminate on an exited process does nothing.
    let process: Process
    let ready: [String: Any]

    static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no Package.swift above \(#filePath)")
    }

    /// Starts `scripts/<script> --port 0 <arguments>` and waits (up to `timeout`) for its JSON line.
    init(script: String, arguments: [String] = [], timeout: TimeInterval = 60) throws {
        process = Process()
        process.executableURL = Self.repositoryRoot.appendingPathComponent("scripts/\(script)")
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        var line = Data()
        let deadline = Date() + timeout
        while Date() < deadline {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            process.terminate()
            throw LoopbackServerError(message: "\(script) did not print its ready line (got \(String(decoding: line, as: UTF8.self)))")
        }
        ready = object
    }

    subscript(key: String) -> String? { ready[key] as? String }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

struct LoopbackServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
