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
            let registry = try global.openRegistry(create: true)
            // `registry.path`, not what was typed: a PostgreSQL URL may carry a password.
            print(registry.wasCreated
                ? "Created registry at \(registry.path)." : "Registry already exists at \(registry.path); left as it was.")
            if registry.wasCreated { print("Next: clientele env add Prod --gateway anypoint") }
        }
    }
}
