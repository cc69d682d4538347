import Foundation

/// Reads an IdP's record of secret use, for every client, and records it (sync, `secrets unused`).
public struct SecretUsageReader: Sendable {
    let registry: Registry

    public init(registry: Registry) {
        self.registry = registry
    }

    /// nil when the IdP answered (with use, or with its reason for having none). A read that fails leaves the
    /// recorded values as they were: the line returned says so, and the caller carries on.
    public func refresh(_ idp: IdentityProvider, adapter: any IdentityProviderAdapter) async -> String? {
        do {
            let report = try await adapter.secretUsage(of: nil)
            try registry.recordSecretUsage(report, identityProviderId: idp.id!)
            return nil
        } catch {
            let reason = (error as? ClienteleError)?.description ?? String(describing: error)
            return "last use not read from IdP \(idp.name), its recorded values are used: \(reason)"
        }
    }
}
