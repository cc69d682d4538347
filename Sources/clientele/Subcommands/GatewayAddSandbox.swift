import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.GatewayCommand {
    struct AddSandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sandbox", abstract: "Add an embedded sandbox gateway for trying policies and client apps out.",
            discussion: """
                It holds APIs and the policies on them as the gateway it imitates would, with no server. Its state \
                is a file beside a SQLite registry, or a schema of its own in a PostgreSQL registry's database (so \
                every teammate sees the same sandbox).
                Example: clientele gateway add sandbox --name edge --imitating kong --api orders-api --api billing-api
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "A name for this gateway in Clientele.")
        var name: String

        @Option(help: "The gateway it behaves like: kong, tyk or anypoint.")
        var imitating: GatewayKind

        @Option(name: .customLong("api"), help: "An API the sandbox starts with (repeatable).")
        var apis: [String] = []

        func validate() throws {
            guard GatewayKind.products.contains(imitating) else {
                throw ValidationError("--imitating must be one of kong, tyk or anypoint")
            }
        }

        func run() async throws {
            let registry = try global.openRegistry()
            try registry.checkMayAddGateway()
            let home = registry.sandboxHome
            let state = home.newStateName(for: name)
            let sandbox = try SandboxGateway(
                state: state, in: home, imitating: imitating, create: true, clock: registry.clock, name: name)
            try sandbox.seed(apis: apis.map { RemoteAPI(remoteId: UUID().uuidString.lowercased(), name: $0) }, environment: nil)
            try ClienteleCommand.GatewayCommand.add(
                Gateway(name: name, kind: imitating, settings: GatewaySettings(sandboxStateFile: state),
                        credentialSource: .none, createdAt: registry.clock.now),
                global: global, registry: registry)
        }
    }
}
