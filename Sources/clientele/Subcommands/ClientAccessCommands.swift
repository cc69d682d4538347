import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.ClientCommand {
    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a client may call an API of an environment.",
            discussion: """
                The record a gateway's contracts are compared with: `clientele gateway drift` reports an app with \
                access the registry does not give, and the reverse. The API is one `clientele api list --env ENV` \
                shows. `gateway sync --adopt` takes the gateway's contracts instead.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var access: ClientAPIOptions

        func run() async throws {
            let registry = try global.openRegistry()
            try registry.grantAccess(client: access.client, environment: access.env, api: access.api, actor: global.actorName)
            print("\(printable(access.client)) may call \(printable(access.api)) in \(printable(access.env)).")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a client's access to an API of an environment.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var access: ClientAPIOptions

        func run() async throws {
            let registry = try global.openRegistry()
            try registry.revokeAccess(client: access.client, environment: access.env, api: access.api, actor: global.actorName)
            print("\(printable(access.client)) no longer calls \(printable(access.api)) in \(printable(access.env)).")
        }
    }
}

/// Which client, environment and API `client grant` and `client revoke` name.
struct ClientAPIOptions: ParsableArguments {
    @Argument(help: "The client: display name, client id, or #id.")
    var client: String

    @Option(help: "The environment.")
    var env: String

    @Option(help: "The API's name in that environment.")
    var api: String
}
