import ClienteleCore
import Foundation
import Testing
import ClienteleTUI
@testable import ConsoleBenchmark

struct ConsoleBenchmarkTests {
    /// The benchmark's executable, built beside the tests, as the change figure's other process.
    static func writer(_ registry: String) -> ChangeToScreen.Writer {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return ChangeToScreen.Writer(executable: root.appendingPathComponent(".build/debug/ConsoleBenchmark"),
                                     registry: registry)
    }

    /// On the small demo: the benchmark runs the real code and reports every figure scripts/bench reads.
    /// With CLIENTELE_TUI_BENCH_REGISTRY=PATH it measures that registry instead and prints the figures.
    @Test func reportsEveryFigure() async throws {
        let environment = ProcessInfo.processInfo.environment
        let results: [String: Double]
        if let path = environment["CLIENTELE_TUI_BENCH_REGISTRY"] {
            let registry = try Registry.open(at: path)
            results = try await ConsoleBenchmark.run(
                registry: registry, adapters: StandardAdapters(registryPath: path, clock: .wall), writer: Self.writer(path))
            for key in results.keys.sorted() { print("bench \(key) = \(String(format: "%.2f", results[key]!))") }
        } else {
            let directory = NSTemporaryDirectory() + "clientele-bench-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/registry.sqlite"
            let clock = ClienteleClock.fixed(Timestamp.parse("2026-11-23T12:00:00Z")!)
            _ = try await DemoBuilder(registryPath: path, clients: 60, seed: 7, clock: clock).build()
            results = try await ConsoleBenchmark.run(
                registry: try Registry.open(at: path, clock: clock), adapters: StandardAdapters(registryPath: path, clock: clock),
                writer: Self.writer(path))
            #expect(results["clients"] == Double(60 + DemoBuilder.gatewayClientCount))
        }
        for key in ["first_frame_ms", "filter_p50_ms", "filter_p99_ms", "render_200x60_p50_ms", "peak_rss_mb",
                    "full_load_ms", "change_to_screen_p50_ms"]
        {
            #expect((results[key] ?? -1) > 0, "\(key) missing")
        }
    }
}
