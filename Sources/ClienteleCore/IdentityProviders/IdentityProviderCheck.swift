import Foundation

/// `idp check` as a service the CLI and the console share: can Clientele act at the IdP, when does its own
/// credential there expire, and (OIDC) which of register / read / update / delete the provider supports. Each
/// answer is recorded on the IdP, so rotation and the expiry report can rely on it later.
public struct IdentityProviderCheck: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    public struct Result: Sendable {
        public var access: AdminAccessStatus
        /// nil where the IdP needs no probing (Entra, the sandbox) or Clientele cannot act there at all.
        public var clientManagement: ClientManagementSupport?
        /// Whether Clientele may read when secrets were last used there; nil when it cannot act at all.
        public var usage: SecretUsageAccess? = nil
    }

    public func check(_ idp: IdentityProvider, actor: String) async throws -> Result {
        let adapter = try adapters.adapter(for: idp)
        let access = try await adapter.checkAdminAccess()
        guard access.canAct else { return Result(access: access, clientManagement: nil) }
        try registry.recordAdminCredentialExpiry(idpName: idp.name, expiresAt: access.credentialExpiresAt, actor: actor)
        let support = try await adapter.probeClientManagement()
        if let support { try registry.recordClientManagement(idpName: idp.name, support: support, actor: actor) }
        let usage = await adapter.checkUsageAccess()
        return Result(access: access, clientManagement: support, usage: usage)
    }
}
