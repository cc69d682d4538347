import Foundation
import Synchronization

/// The gateway adapters a real `clientele` process uses: one per gateway, made on first use and kept for the
/// process's life (so an adapter's token cache lives as long as the process).
public final class StandardGatewayAdapters: GatewayAdapters {
    let sandboxes: SandboxHome
    let clock: ClienteleClock
    private let cache = Mutex<[Int64: any GatewayAdapter]>([:])

    /// Sandbox gateways' state files beside `registryPath`.
    public init(registryPath: String, clock: ClienteleClock) {
        sandboxes = .beside(registryPath: registryPath)
        self.clock = clock
    }

    /// Sandbox gateways' state where `registry` keeps it (see `SandboxHome`).
    public init(registry: Registry) {
        sandboxes = registry.sandboxHome
        clock = registry.clock
    }

    public func adapter(for gateway: Gateway) throws -> any GatewayAdapter {
        if let cached = cache.withLock({ $0[gateway.id ?? -1] }) { return cached }
        let adapter = try make(gateway)
        cache.withLock { $0[gateway.id ?? -1] = adapter }
        return adapter
    }

    private func make(_ gateway: Gateway) throws -> any GatewayAdapter {
        if let stateFile = gateway.settings.sandboxStateFile {
            return try SandboxGateway(
                state: stateFile, in: sandboxes, imitating: gateway.kind, clock: clock, name: gateway.name)
        }
        let http = PeerHTTPClient.standard(peer: .gateway(gateway.name))
        switch gateway.kind {
        case .kong:
            return KongGateway(
                gateway: gateway, credential: try gateway.credentialSource.load(for: .gateway(gateway.name)), http: http)
        case .tyk:
            return TykGateway(
                gateway: gateway, credential: try gateway.credentialSource.load(for: .gateway(gateway.name)), http: http)
        case .anypoint:
            let credential = try gateway.credentialSource.load(for: .gateway(gateway.name))
            return AnypointGateway(gateway: gateway, credential: credential, http: http)
        case .none:
            throw ClienteleError.gateway("gateway \(gateway.name) has no kind")
        }
    }
}
