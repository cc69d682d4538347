import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an empty registry (owner-only file, in an owner-only folder).",
            discussion: "Then add environments with `clientele env add` and identity providers with `clientele idp add`.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let path = global.registryPath
            let existed = FileManager.default.fileExists(atPath: path)
            _ = try global.openRegistry(create: true)
            print(existed ? "Registry already exists at \(path); left as it was." : "Created registry at \(path).")
            if !existed { print("Next: clientele env add Prod --gateway anypoint") }
        }
    }
}
