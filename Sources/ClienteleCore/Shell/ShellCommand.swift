import Foundation

/// Runs an operator-supplied shell command (`--secret-command`, an admin credential's command) with optional
/// standard input and, optionally, its standard output captured. Errors name only the command's first word: the
/// rest of a command line may carry tokens.
enum ShellCommand {
    struct Failure: Error {
        /// `exited 3`, `was killed by signal 9`, `could not start: …`
        let reason: String
    }

    /// Returns the captured output (empty unless `captureOutput`). Throws `Failure` unless the command exits 0.
    /// Blocks until the command ends; async callers use `runOffPool`.
    @discardableResult
    static func run(_ command: String, input: Data? = nil, captureOutput: Bool = false) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdin = Pipe()
        let stdout = Pipe()
        if input != nil { process.standardInput = stdin }
        if captureOutput { process.standardOutput = stdout }
        do {
            try process.run()
        } catch {
            throw Failure(reason: "could not start: \(error.localizedDescription)")
        }
        if let input {
            // A command that exits without reading would make the write raise SIGPIPE; ignore it and rely on the
            // exit status instead.
            signal(SIGPIPE, SIG_IGN)
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        let output = captureOutput ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(reason: process.terminationReason == .exit
                ? "exited \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)")
        }
        return output
    }

    /// `run` on a dispatch thread, so a slow command does not hold a thread of Swift's cooperative pool.
    @discardableResult
    static func runOffPool(_ command: String, input: Data? = nil, captureOutput: Bool = false) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(command, input: input, captureOutput: captureOutput) })
            }
        }
    }

    static func name(_ command: String) -> String { command.split(separator: " ").first.map(String.init) ?? "" }
}
