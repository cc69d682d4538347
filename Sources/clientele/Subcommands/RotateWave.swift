import ArgumentParser
import ClienteleCore
import Foundation

/// `clientele rotate --expiring-within …`: the flags of a wave of rotations, and their refusals.
struct WaveOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Rotate every client with a secret in service expiring within this window (e.g. 30d), instead of one CLIENT.",
                               valueName: "duration"),
            transform: parseDuration(flag: "--expiring-within"))
    var expiringWithin: DurationText?

    @Option(help: "With --expiring-within: only clients in this environment.")
    var env: String?

    @Option(help: "With --expiring-within: only clients at this identity provider.")
    var idp: String?

    @Option(help: "With --expiring-within: only clients this team owns.")
    var owner: String?

    @Option(help: ArgumentHelp("With --expiring-within: write each new secret to a new 0600 file DIR/<client>.secret.",
                               valueName: "dir"))
    var secretDir: String?

    @Option(help: "With --expiring-within: rotations at once (default \(BulkRotation.defaultParallel), at most \(BulkRotation.maxParallel)).")
    var parallel: Int?

    @Flag(help: "With --expiring-within: print the results as JSON.")
    var json = false

    func validate(client: String?, secretFile: String?, secretCommand: String?, yes: Bool) throws {
        guard expiringWithin != nil else {
            let waveOnly = [("--env", env != nil), ("--idp", idp != nil), ("--owner", owner != nil),
                            ("--secret-dir", secretDir != nil), ("--parallel", parallel != nil), ("--json", json)]
            if let (flag, _) = waveOnly.first(where: { $0.1 }) {
                throw ValidationError("\(flag) goes with --expiring-within (a wave of rotations); one client takes CLIENT")
            }
            if client == nil { throw ValidationError("name the CLIENT to rotate, or --expiring-within for every client due") }
            return
        }
        if let client {
            throw ValidationError("give a CLIENT or --expiring-within, not both (got '\(client)')")
        }
        if secretFile != nil {
            throw ValidationError("--secret-file names one file, and --expiring-within rotates many clients: use --secret-dir DIR")
        }
        if secretDir != nil && secretCommand != nil {
            throw ValidationError("give one of --secret-dir and --secret-command")
        }
        if secretDir == nil && secretCommand == nil {
            throw ValidationError("--expiring-within needs a delivery nobody has to watch: --secret-dir DIR or --secret-command CMD (show-once serves one client)")
        }
        if let parallel, !(1...BulkRotation.maxParallel).contains(parallel) {
            throw ValidationError("--parallel \(parallel): give 1 to \(BulkRotation.maxParallel)")
        }
        if !yes {
            throw ValidationError("--expiring-within rotates every matching client: confirm with --yes")
        }
    }
}

extension ClienteleCommand.Rotate {
    func runWave(_ within: DurationText) async throws {
        let registry = try global.openRegistry()
        let settings = try global.configuration()
        let service = RotationService(registry: registry, adapters: global.adapters(for: registry),
                                      defaults: settings.rotationDefaults)
        let selection = BulkRotationSelection(within: within, environment: wave.env, identityProvider: wave.idp,
                                              ownerTeam: wave.owner)
        let clients = try registry.clientsDueForRotation(selection)
        let delivery: BulkRotation.Delivery = wave.secretDir.map { .directory(AbsolutePath.of($0)) }
            ?? .command(secretCommand!)
        try BulkRotation.check(delivery, count: clients.count)
        let atTerminal = isatty(STDERR_FILENO) == 1
        let bulk = BulkRotation(service: service, registry: registry)
        let progress: @Sendable (BulkRotationProgress) -> Void = { if atTerminal { WaveProgress.show($0) } }
        let report = try await bulk.run(
            clients, delivery: delivery, grace: grace, lifetime: lifetime,
            parallel: wave.parallel ?? BulkRotation.defaultParallel, confirmed: yes, actor: global.actorName,
            // A command's own output would interleave across parallel rotations; its exit status is what counts.
            deliverer: SecretDeliverer(showOnce: nil, commandOutputShown: false),
            progress: progress)
        if atTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if wave.json {
            try JSONOutput.print(report.results.map(WaveResultJSON.init))
        } else {
            printSummary(report, within: within)
        }
        if !report.allRotated { throw ExitCode(report.failed > 0 ? 2 : 1) }
    }


    private func printSummary(_ report: BulkRotationReport, within: DurationText) {
        if report.results.isEmpty {
            print("No client has a secret expiring within \(within).")
            return
        }
        for result in report.results {
            let name = printable(result.client.displayName)
            let rotation = result.rotationId.map { "rotation #\($0) " } ?? ""
            switch result.status {
            case .rotated(.inGrace(let until)):
                print("rotated  \(name): \(rotation)in grace until \(Timestamp.local(until))")
            case .rotated: print("rotated  \(name): \(rotation)done")
            case .waiting(let reason): print("waiting  \(name): \(rotation)\(printable(reason))")
            case .failed(let reason): print("failed   \(name): \(rotation)\(printable(reason))")
            }
        }
        print(report.tally + ".")
        if report.waiting + report.failed > 0 {
            print("Run `clientele rotations advance`, or this command again, to finish the rest.")
        }
    }
}

/// The progress line at a terminal, rewritten in place after each client.
enum WaveProgress {
    static func show(_ progress: BulkRotationProgress) {
        let line = "\r\u{1B}[Kclientele: \(progress.finished) of \(progress.total) done: \(printable(progress.latest.client.displayName)) \(progress.latest.status.word)"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// One client's result in `rotate --expiring-within --json`.
struct WaveResultJSON: Encodable {
    var client: String
    var clientId: String
    var rotation: Int64?
    var result: String
    var graceUntil: Date?
    var reason: String?

    init(_ result: BulkRotationResult) {
        client = result.client.displayName
        clientId = result.client.clientId
        rotation = result.rotationId
        self.result = result.status.word
        switch result.status {
        case .rotated(.inGrace(let until)): graceUntil = until
        case .rotated: break
        case .waiting(let why), .failed(let why): reason = why
        }
    }
}
