import Foundation

/// Errors that reach an operator. Each one renders as a single line that names the thing at fault (flag, file and
/// key, client, environment, IdP) and, where there is one, the fix.
public enum ClienteleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input that can never succeed as given: a bad duration, a policy configuration that fails validation.
    case invalidInput(String)
    /// Something named that does not exist: a client, an environment, a rotation.
    case notFound(String)
    /// A name that matches more than one thing; the message lists the matches.
    case ambiguous(String)
    /// The registry file is missing, unreadable, not SQLite or from a newer Clientele.
    case registry(String)
    /// The identity provider refused or failed; the message names the IdP and the client.
    case identityProvider(String)
    /// A gateway refused or failed; the message names the gateway (and environment, policy and field where known).
    case gateway(String)
    /// A step that would be unsafe without an explicit confirmation.
    case confirmationRequired(String)
    /// The action conflicts with current state (an open rotation, a read-only console).
    case conflict(String)
    /// Delivering a new secret failed; the message says where the rotation stands.
    case delivery(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .notFound(let message), .ambiguous(let message), .registry(let message),
            .identityProvider(let message), .gateway(let message), .confirmationRequired(let message), .conflict(let message),
            .delivery(let message):
            return message
        }
    }
}

extension ClienteleError: LocalizedError {
    public var errorDescription: String? { description }
}
