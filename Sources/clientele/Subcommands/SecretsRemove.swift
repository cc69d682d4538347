import ArgumentParser
import ClienteleCore
import Foundation

extension ClienteleCommand.Secrets {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove one secret of a client at its identity provider (callers using it fail at once).",
            discussion: """
                Use it for a leaked secret, or one a rotation outside Clientele left behind. To replace a secret \
                without an outage, rotate instead: `clientele rotate CLIENT` keeps the old one through a grace \
                period. <key-id> is the whole key id or a unique prefix of at least 4 characters \
                (`clientele client show CLIENT` lists them). Asks for confirmation unless --yes.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The client: display name, client id, or #id.")
        var client: String

        @Argument(help: ArgumentHelp("The secret's key id, or a unique prefix of it.", valueName: "key-id"))
        var keyId: String

        @Flag(help: "Do not ask.")
        var yes = false

        @Flag(help: "Print the removed secret as JSON.")
        var json = false

        func run() async throws {
            let registry = try global.openRegistry()
            let removal = SecretRemoval(registry: registry, adapters: global.adapters(for: registry))
            let preview = try removal.preview(client: client, keyId: keyId)
            if !yes {
                let question = "Remove secret \(printable(preview.secret.hint))… (\(preview.secret.keyId)) of \(printable(preview.client.displayName)) at \(printable(preview.identityProvider.name))? "
                    + preview.consequences.dropFirst().joined(separator: " ")
                guard isatty(STDIN_FILENO) == 1, Confirmation.ask(question) else {
                    throw ClienteleError.confirmationRequired(
                        "removing secret \(preview.secret.keyId) of \(preview.client.displayName) cannot be undone; confirm with --yes")
                }
            }
            let removed = try await removal.remove(client: "#\(preview.client.id!)", keyId: preview.secret.keyId,
                                                   actor: global.actorName)
            if json {
                try JSONOutput.print(RemovedSecret(
                    client: removed.client.displayName, idp: removed.identityProvider.name,
                    keyId: removed.secret.keyId, hint: removed.secret.hint, remainingLive: removed.remainingLive))
            } else {
                print("Removed secret \(printable(removed.secret.hint))… (\(removed.secret.keyId)) of \(printable(removed.client.displayName)) at \(printable(removed.identityProvider.name)); \(removed.remainingLive) working secret\(removed.remainingLive == 1 ? "" : "s") left.")
            }
        }
    }
}

private struct RemovedSecret: Encodable {
    var client: String
    var idp: String
    var keyId: String
    var hint: String
    var remainingLive: Int
}
