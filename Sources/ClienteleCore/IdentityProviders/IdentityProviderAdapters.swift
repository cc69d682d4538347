import Foundation
import Synchronization

/// Finds the adapter that speaks to an identity provider. The rotation service, sync and the console ask this,
/// never a concrete adapter, so tests and later adapters slot in without touching them.
public protocol IdentityProviderAdapters: Sendable {
    func adapter(for idp: IdentityProvider) throws -> any IdentityProviderAdapter
}

/// The adapters a real `clientele` process uses: one per IdP, made on first use and kept for the process's life
/// (so an adapter's token cache lives as long as the process).
public final class StandardAdapters: IdentityProviderAdapters {
    let sandboxes: SandboxHome
    /// Where OIDC IdPs' registration access tokens are kept; nil refuses OIDC IdPs in one line.
    let registry: Registry?
    let clock: ClienteleClock
    let gateways: GatewayHolders?
    private let cache = Mutex<[Int64: any IdentityProviderAdapter]>([:])

    /// Adapters for sandbox IdPs whose state files are beside `registryPath` (the demo's builder, the console
    /// benchmark, tests), and for Entra; OIDC IdPs need the registry (`init(registry:gatewayAdapters:)`).
    /// `gateways` is how a gateway's held secrets are reached; without it an IdP of kind `gateway` is refused in
    /// one line (the callers that never meet one, such as the console benchmark, need not build it).
    public init(registryPath: String, clock: ClienteleClock, gateways: GatewayHolders? = nil) {
        sandboxes = .beside(registryPath: registryPath)
        registry = nil
        self.clock = clock
        self.gateways = gateways
    }

    /// Every adapter a process over `registry` needs, gateways' held secrets included.
    public init(registry: Registry, gatewayAdapters: (any GatewayAdapters)? = nil) {
        sandboxes = registry.sandboxHome
        self.registry = registry
        clock = registry.clock
        gateways = gatewayAdapters.map { adapters in
            GatewayHolders(gateway: { try registry.gateway(id: $0) }, adapters: adapters)
        }
    }

    public func adapter(for idp: IdentityProvider) throws -> any IdentityProviderAdapter {
        if let cached = cache.withLock({ $0[idp.id ?? -1] }) { return cached }
        let adapter = try make(idp)
        cache.withLock { $0[idp.id ?? -1] = adapter }
        return adapter
    }

    private func make(_ idp: IdentityProvider) throws -> any IdentityProviderAdapter {
        switch idp.kind {
        case .sandbox:
            guard let stateFile = idp.settings.sandboxStateFile else {
                throw ClienteleError.identityProvider("sandbox IdP '\(idp.name)' has no state file in its settings")
            }
            return try SandboxIdentityProvider(
                state: stateFile, in: sandboxes, profile: idp.settings.sandboxProfile ?? .entra, clock: clock)
        case .entra:
            return EntraIdentityProvider(
                idp: idp, credential: try idp.credentialSource.load(idpName: idp.name),
                http: .standard(peer: .identityProvider(idp.name)), clock: clock,
                secretPropagation: idp.settings.secretReplicationWait?.timeInterval
                    ?? EntraIdentityProvider.defaultSecretPropagation)
        case .oidc:
            guard let registry else {
                throw ClienteleError.identityProvider("'\(idp.name)' is an OIDC provider, and this command does not reach them")
            }
            return try OIDCIdentityProvider.standard(idp, registry: registry, clock: clock)
        case .gateway:
            guard let gateways, let gatewayId = idp.settings.gatewayId else {
                throw ClienteleError.identityProvider(
                    "'\(idp.name)' holds a gateway's secrets, and this command does not reach gateways")
            }
            return try gateways.adapters.adapter(for: gateways.gateway(gatewayId)).credentialHolder()
        }
    }
}

/// How `StandardAdapters` reaches the secrets a gateway holds: the gateway's record by row id, and its adapter.
public struct GatewayHolders: Sendable {
    public let gateway: @Sendable (Int64) throws -> Gateway
    public let adapters: any GatewayAdapters

    public init(gateway: @escaping @Sendable (Int64) throws -> Gateway, adapters: any GatewayAdapters) {
        self.gateway = gateway
        self.adapters = adapters
    }
}
