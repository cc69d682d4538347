import Foundation
import Synchronization

/// The gateway adapters a real `clientele` process uses: one per gateway, made on first use and kept for the
/// process's life (so an adapter's token cache lives as long as the process).
public final class StandardGatewayAdapters: GatewayAdapters {
    let registryPath: String
    let clock: ClienteleClock
    private let cache = Mutex<[Int64: any GatewayAdapter]>([:])

    public init(registryPath: String, clock: ClienteleClock) {
        self.registryPath = registryPath
        self.clock = clock
    }

    public func adapter(for gateway: Gateway) throws -> any GatewayAdapter {
        if let cached = cache.withLock({ $0[gateway.id ?? -1] }) { return cached }
        let adapter = try make(gateway)
        cache.withLock { $0[gateway.id ?? -1] = adapter }
        return adapter
    }

    private func make(_ gateway: Gateway) throws -> any GatewayAdapter {
        let http = PeerHTTPClient(peer: .gateway(gateway.name))
        _ = http
        switch gateway.kind {
        case .kong:
            throw ClienteleError.gateway("gateway \(gateway.name): Kong is not supported yet")
        case .tyk:
            return TykGateway(
                gateway: gateway, credential: try gateway.credentialSource.load(for: .gateway(gateway.name)), http: http)
        case .anypoint:
            throw ClienteleError.gateway("gateway \(gateway.name): Anypoint is not supported yet")
        case .none:
            throw ClienteleError.gateway("gateway \(gateway.name) has no kind")
        }
    }
}
