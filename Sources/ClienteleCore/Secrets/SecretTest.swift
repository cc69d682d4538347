import Foundation

/// Asking a client's IdP whether a secret works, the way a caller would use it: `secrets test` in the CLI, and
/// the same question from the console.
public struct SecretTest: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    public struct Outcome: Sendable {
        public var client: Client
        public var identityProvider: IdentityProvider
        public var verification: SecretVerification
    }

    /// `client` is a display name, client id or `#id`.
    public func test(_ secret: SecretText, client reference: String) async throws -> Outcome {
        let client = try registry.resolveClient(reference)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        let verification = try await adapters.adapter(for: idp).verify(secret, for: RemoteClientReference(client))
        return Outcome(client: client, identityProvider: idp, verification: verification)
    }
}
