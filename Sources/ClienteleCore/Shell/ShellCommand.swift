import Foundation

/// Runs an operator-supplied shell command (`--secret-command`, an admin credential's command) with optional
/// standard input; its output is passed through, captured or discarded. Errors name only the command's first
/// word: the rest of a command line may carry tokens.
enum ShellCommand {
    /// Where the command's standard output and standard error go.
    enum Output: Sendable {
        /// To ours (the CLI: the operator sees what `vault` said).
        case inherit
        /// Standard output returned to the caller; standard error inherited.
        case capture
        /// Both to /dev/null: the console, where a write behind ncurses' back would garble the screen (and
        /// could echo the secret into it).
        case discard
    }

    struct Failure: Error {
        /// `exited 3`, `was killed by signal 9`, `could not start: …`
        let reason: String
    }

    /// Returns the captured output (empty unless `.capture`). Throws `Failure` unless the command exits 0.
    /// Blocks until the command ends; async callers use `runOffPool`.
    @discardableResult
    static func run(_ command: String, input: Data? = nil, output: Output = .inherit,
                    environment: [String: String] = [:]) throws -> Data
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdin = Pipe()
        let stdout = Pipe()
        if input != nil { process.standardInput = stdin }
        switch output {
        case .inherit: break
        case .capture: process.standardOutput = stdout
        case .discard:
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
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
        let captured = output == .capture ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw Failure(reason: process.terminationReason == .exit
                ? "exited \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)")
        }
        return captured
    }

    /// `run` on a dispatch thread, so a slow command does not hold a thread of Swift's cooperative pool.
    @discardableResult
    static func runOffPool(_ command: String, input: Data? = nil, output: Output = .inherit,
                           environment: [String: String] = [:]) async throws -> Data
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(command, input: input, output: output, environment: environment) })
            }
        }
    }

    static func name(_ command: String) -> String { command.split(separator: " ").first.map(String.init) ?? "" }
}
