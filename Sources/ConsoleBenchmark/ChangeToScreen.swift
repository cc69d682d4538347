import ClienteleCore
import ClienteleTUI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How long another process's one-row change takes to reach the screen of a console holding every client: the
/// real loop, effect runner and change watch, on a terminal in memory that waits for keys as a real one does. The
/// other process is this executable again (`--change-membership`), which stamps the moment its commit returned on
/// the machine's monotonic clock; the console stamps the round whose frame first shows the row changed. The
/// console's revision poll is switched off, so only the registry's change watch can bring the change.
enum ChangeToScreen {
    /// The other process: this benchmark's executable, and the registry as it should name it.
    struct Writer {
        var executable: URL
        var registry: String
    }

    static func measure(registry: Registry, adapters: any IdentityProviderAdapters, writer: Writer, samples: Int)
        throws -> [Double]
    {
        let inbox = ActionInbox()
        let runner = EffectRunner(registry: registry, adapters: adapters, actor: "bench", readonly: true, inbox: inbox)
        defer { runner.shutdown() }
        let terminal = WatchedTerminal(MemoryTerminal(size: ConsoleBenchmark.frameSize, waitsWhenIdle: true))
        let state = AppState(size: ConsoleBenchmark.frameSize, now: registry.clock.now, readonly: true,
                             registryPath: registry.path)
        let loop = ConsoleLoop(state: state, terminal: terminal, runner: runner, inbox: inbox, clock: registry.clock,
                               pollInterval: .infinity)
        loop.start()
        loop.run { $0.state.clients.index?.complete == true && inbox.isEmpty && runner.inFlight == 0 }
        // The change watch starts on its own (PostgreSQL's listening session connects): give it a moment.
        let listening = monotonicNanoseconds() + 500_000_000
        loop.run { _ in monotonicNanoseconds() > listening }

        let environments = try registry.environments()
        guard let client = try registry.consoleClientRows(limit: 1).first, !environments.isEmpty else {
            throw ClienteleError.registry("the benchmark needs a registry with clients and environments")
        }
        var latencies: [Double] = []
        for sample in 0..<samples {
            let environment = environments[sample % environments.count]
            let member = !(try registry.consoleClientRows(limit: 1).first?.environmentIds ?? [])
                .contains(environment.id!)
            guard let line = terminal.screen.textLines.firstIndex(where: { $0.contains(client.displayName) }) else {
                throw ClienteleError.registry("the first client, \(client.displayName), is not on the screen")
            }
            let before = terminal.screen.textLines[line]
            terminal.watch { $0.textLines[line] != before }
            let writing = try start(writer, client: client.clientId, environment: environment.name, member: member)
            let deadline = monotonicNanoseconds() + 5_000_000_000
            loop.run { _ in terminal.seenAt != nil || monotonicNanoseconds() > deadline }
            let seen = terminal.seenAt ?? UInt64.max
            writing.process.waitUntilExit()
            let output = String(decoding: writing.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            guard writing.process.terminationStatus == 0,
                let committed = UInt64(output.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw ClienteleError.registry("the writing process failed: \(output)") }
            guard seen != UInt64.max else {
                throw ClienteleError.registry("\(client.displayName)'s row did not change on screen within 5 s")
            }
            latencies.append(Double(Int64(seen) - Int64(committed)) / 1_000_000)
            // Let the rest of this change's answers (the header, the second look) land before the next one.
            let settle = monotonicNanoseconds() + 100_000_000
            loop.run { _ in monotonicNanoseconds() > settle }
        }
        return latencies
    }

    /// The memory terminal, stamping the write that first makes the screen show what is watched for: the moment
    /// the frame is drawn, not when the loop next looks.
    final class WatchedTerminal: TerminalBackend {
        let memory: MemoryTerminal
        private var condition: ((CellBuffer) -> Bool)?
        private(set) var seenAt: UInt64?

        init(_ memory: MemoryTerminal) { self.memory = memory }

        func watch(for condition: @escaping (CellBuffer) -> Bool) {
            self.condition = condition
            seenAt = nil
        }

        var screen: CellBuffer { memory.screen }
        var size: Size { memory.size }
        func readKey(timeoutMilliseconds: Int, wakeup: InboxWakeup) -> KeyEvent? {
            memory.readKey(timeoutMilliseconds: timeoutMilliseconds, wakeup: wakeup)
        }
        func clear() { memory.clear() }
        func close() { memory.close() }

        func write(_ cells: [CellWrite]) {
            memory.write(cells)
            if seenAt == nil, let condition, condition(memory.screen) { seenAt = monotonicNanoseconds() }
        }
    }

    private static func start(_ writer: Writer, client: String, environment: String, member: Bool) throws
        -> (process: Process, output: Pipe)
    {
        let process = Process()
        process.executableURL = writer.executable
        process.arguments = ["--registry", writer.registry, "--change-membership", client, environment,
                             member ? "join" : "leave"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        return (process, output)
    }

    /// The other process's side: one membership changed through the registry as `clientele env` would, then
    /// the moment the commit returned.
    static func change(registry: Registry, client: String, environment: String, member: Bool) throws {
        try registry.setMembership(client: client, environment: environment, member: member, actor: "bench")
        print(monotonicNanoseconds())
    }

    /// CLOCK_MONOTONIC, which every process on the machine shares.
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
