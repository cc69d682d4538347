import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an environment's gateway state as another tool's file (Kong: a decK file).",
            discussion: """
                The file holds the environment's services, their routes and Clientele's plugins, exactly as the \
                gateway runs them, and never a secret. `deck validate -s FILE` accepts it, and `deck diff -s FILE` \
                reports nothing after `clientele policy apply`.
                Example: clientele gateway export --env Prod --format deck --output prod-kong.yaml
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "The environment.")
        var env: String

        @Option(help: "The file format: deck.")
        var format: GatewayExportFormat

        @Option(help: ArgumentHelp("Write to this new file instead of standard output.", valueName: "path"))
        var output: String?

        func run() async throws {
            let registry = try global.openRegistry()
            let service = try global.gatewayPolicies(for: registry)
            let text = try await service.export(environment: env, format: format)
            guard let output else { return print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
            let path = AbsolutePath.of(output)
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else {
                throw ClienteleError.invalidInput("--output \(output): cannot create the file")
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(text.utf8))
            print("Wrote \(printable(path)).")
        }
    }
}

extension GatewayExportFormat: ExpressibleByArgument {}
