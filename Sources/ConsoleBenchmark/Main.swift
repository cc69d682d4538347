import ClienteleCore
import Foundation

/// `ConsoleBenchmark --registry PATH`: prints `console NAME: VALUE` lines for scripts/bench. Honours
/// `CLIENTELE_TEST_NOW` like the CLI, so figures on a demo registry see the demo's dates.
/// `--change-membership CLIENT ENV join|leave` is the other process of its change-to-screen figure.
@main
struct ConsoleBenchmarkMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let changing = arguments.count == 6 && arguments[2] == "--change-membership"
        guard arguments.count == 2 || changing, arguments[0] == "--registry" else {
            FileHandle.standardError.write(Data(
                "usage: ConsoleBenchmark --registry PATH [--change-membership CLIENT ENV join|leave]\n".utf8))
            exit(2)
        }
        do {
            let clock = try ClienteleClock.fromEnvironment()
            let registry = try Registry.open(at: arguments[1], clock: clock, mapping: .none)
            if changing {
                try ChangeToScreen.change(registry: registry, client: arguments[3], environment: arguments[4],
                                          member: arguments[5] == "join")
                return
            }
            let results = try await ConsoleBenchmark.run(
                registry: registry, adapters: StandardAdapters(registry: registry),
                writer: ChangeToScreen.Writer(executable: URL(fileURLWithPath: CommandLine.arguments[0]),
                                              registry: arguments[1]))
            for key in results.keys.sorted() { print("console \(key): \(String(format: "%.3f", results[key]!))") }
        } catch {
            let message = (error as? ClienteleError)?.description ?? String(describing: error)
            FileHandle.standardError.write(Data("ConsoleBenchmark: \(message)\n".utf8))
            exit(1)
        }
    }
}
