import ClienteleCore
import Foundation

/// `ConsoleBenchmark --registry PATH`: prints `console NAME: VALUE` lines for scripts/bench. Honours
/// `CLIENTELE_TEST_NOW` like the CLI, so figures on a demo registry see the demo's dates.
@main
struct ConsoleBenchmarkMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count == 2, arguments[0] == "--registry" else {
            FileHandle.standardError.write(Data("usage: ConsoleBenchmark --registry PATH\n".utf8))
            exit(2)
        }
        do {
            let clock = try ClienteleClock.fromEnvironment()
            let registry = try Registry.open(at: arguments[1], clock: clock, mapping: .none)
            let results = try await ConsoleBenchmark.run(
                registry: registry, adapters: StandardAdapters(registry: registry))
            for key in results.keys.sorted() { print("console \(key): \(String(format: "%.3f", results[key]!))") }
        } catch {
            let message = (error as? ClienteleError)?.description ?? String(describing: error)
            FileHandle.standardError.write(Data("ConsoleBenchmark: \(message)\n".utf8))
            exit(1)
        }
    }
}
