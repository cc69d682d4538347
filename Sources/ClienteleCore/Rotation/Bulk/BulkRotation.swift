import Foundation

/// Rotates many clients at once: one ordinary `RotationService.rotate` each (so each is resumable on its own,
/// and a client's open rotation resumes), at most `parallel` at a time. How fast it may go is the peer's to say:
/// every request passes the peer's `ThrottleGate`, which slows all of them together on a 429.
public struct BulkRotation: Sendable {
    /// Where each new secret goes. Show-once exists for the console's one-client case only.
    public enum Delivery: Sendable, Equatable {
        /// A new 0600 file per client in this folder (`SecretFileName`).
        case directory(String)
        /// This command, once per client, with the client named in its environment.
        case command(String)
        case showOnce
    }

    /// Rotations at once unless asked otherwise. Entra allows about ten rotations a second per app and tenant
    /// (3,000 writes per 150 s, two writes each); with Graph answering in 100–300 ms and one request in flight per
    /// rotation, eight keep close to that without opening with a burst of 429s. The gate adapts from there.
    public static let defaultParallel = 8
    public static let maxParallel = 64

    let service: RotationService
    let registry: Registry

    public init(service: RotationService, registry: Registry) {
        self.service = service
        self.registry = registry
    }

    /// Refuses, before anything starts, a delivery that cannot serve `count` clients, in one line.
    public static func check(_ delivery: Delivery, count: Int) throws {
        switch delivery {
        case .showOnce where count > 1:
            throw ClienteleError.invalidInput(
                "show-once cannot serve \(count) clients (nobody can copy \(count) secrets off a screen safely); deliver to a folder or a command")
        case .directory(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ClienteleError.invalidInput("--secret-dir \(path) is not a folder; create it first (mode 0700)")
            }
            guard access(path, W_OK | X_OK) == 0 else {
                throw ClienteleError.invalidInput("--secret-dir \(path) is not writable")
            }
        default: break
        }
    }

    /// Rotates `clients` and returns every result; never throws for one client's failure (that is a result).
    /// Cancelled, it starts no more clients and lets those under way finish (each a recorded, resumable rotation);
    /// the report then counts the clients it never started.
    public func run(
        _ clients: [Client], delivery: Delivery, grace: DurationText?, lifetime: DurationText?, parallel: Int,
        confirmed: Bool, actor: String, deliverer: SecretDeliverer,
        progress: @escaping @Sendable (BulkRotationProgress) -> Void = { _ in }
    ) async throws -> BulkRotationReport {
        try Self.check(delivery, count: clients.count)
        try preflight(clients, grace: grace, lifetime: lifetime)
        let width = min(max(1, parallel), Self.maxParallel)
        var results = [BulkRotationResult?](repeating: nil, count: clients.count)
        var finished = 0
        await withTaskGroup(of: (Int, BulkRotationResult).self) { group in
            var next = 0
            func startNext() {
                guard next < clients.count else { return }
                let index = next
                let client = clients[index]
                next += 1
                group.addTask {
                    (index, await rotateOne(client, delivery: delivery, grace: grace, lifetime: lifetime,
                                            confirmed: confirmed, actor: actor, deliverer: deliverer))
                }
            }
            for _ in 0..<width { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                finished += 1
                progress(BulkRotationProgress(finished: finished, total: clients.count, latest: result))
                if !Task.isCancelled { startNext() }
            }
        }
        return BulkRotationReport(results: results.compactMap { $0 }, notStarted: clients.count - finished)
    }

    /// Refuses in one line, before any client starts, a lifetime or grace that an IdP of the wave cannot honour:
    /// otherwise every one of its clients would fail the same way. (A grace where the IdP keeps one secret is left
    /// to each client's rotation, so a mixed wave still rotates the clients that can overlap.)
    private func preflight(_ clients: [Client], grace: DurationText?, lifetime: DurationText?) throws {
        for idpId in Set(clients.map(\.identityProviderId)) {
            let idp = try registry.identityProvider(id: idpId)
            let capabilities = try service.adapters.adapter(for: idp).capabilities
            _ = try RotationService.lifetime(lifetime, defaults: service.defaults, idp: idp, capabilities: capabilities)
            if capabilities.allowsOverlap {
                _ = try RotationService.grace(grace, defaults: service.defaults, idp: idp, capabilities: capabilities)
            }
        }
    }

    private func rotateOne(
        _ client: Client, delivery: Delivery, grace: DurationText?, lifetime: DurationText?, confirmed: Bool,
        actor: String, deliverer: SecretDeliverer
    ) async -> BulkRotationResult {
        do {
            let request = RotationRequest(
                client: "#\(client.id!)", grace: grace, lifetime: lifetime,
                delivery: try secretDelivery(for: client, delivery), confirmed: confirmed)
            let service = self.service
            // Unstructured, so cancelling the wave does not cut a rotation short between its IdP call and its record.
            return .of(try await Task { try await service.rotate(request, actor: actor, deliverer: deliverer) }.value)
        } catch {
            let reason = (error as? ClienteleError)?.description ?? String(describing: error)
            let latest = try? registry.latestRotation(ofClient: client.id!)
            return BulkRotationResult(client: client, rotationId: latest?.id, status: .failed(reason))
        }
    }

    /// The delivery for one client. A client whose open rotation already delivers to a file or command resumes
    /// as it started (nil), so running the same wave again after an interruption never asks it for another.
    private func secretDelivery(for client: Client, _ delivery: Delivery) throws -> SecretDelivery? {
        let open = try registry.openRotation(ofClient: client.id!)
        if let open, open.delivery != .terminal { return nil }
        switch delivery {
        case .directory(let folder):
            let name = SecretFileName.of(client, shared: try registry.displayNameIsShared(client))
            return .file(path: AbsolutePath.of((folder as NSString).appendingPathComponent(name)))
        case .command(let command): return .command(command)
        case .showOnce: return .terminal
        }
    }
}

/// A bulk rotation as the console asks for it: clients by row id.
public struct BulkRotationRequest: Sendable {
    public var clientRowIds: [Int64]
    public var delivery: BulkRotation.Delivery
    public var grace: DurationText?
    public var lifetime: DurationText?
    public var confirmed: Bool

    public init(clientRowIds: [Int64], delivery: BulkRotation.Delivery, grace: DurationText?,
                lifetime: DurationText?, confirmed: Bool)
    {
        self.clientRowIds = clientRowIds
        self.delivery = delivery
        self.grace = grace
        self.lifetime = lifetime
        self.confirmed = confirmed
    }
}

extension BulkRotation {
    public func run(
        _ request: BulkRotationRequest, actor: String, deliverer: SecretDeliverer,
        progress: @escaping @Sendable (BulkRotationProgress) -> Void = { _ in }
    ) async throws -> BulkRotationReport {
        let clients = try request.clientRowIds.map { try registry.client(rowId: $0) }
        return try await run(clients, delivery: request.delivery, grace: request.grace, lifetime: request.lifetime,
                             parallel: Self.defaultParallel, confirmed: request.confirmed, actor: actor,
                             deliverer: deliverer, progress: progress)
    }
}
