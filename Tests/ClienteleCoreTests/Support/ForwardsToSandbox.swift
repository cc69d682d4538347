import Foundation
@testable import ClienteleCore

/// A test adapter that is the sandbox except where it says otherwise: it declares only what it changes (how it
/// lists, whether it can tell when secrets were used) and forwards the rest.
protocol ForwardsToSandbox: IdentityProviderAdapter {
    var sandbox: SandboxIdentityProvider { get }
}

extension ForwardsToSandbox {
    var capabilities: IdentityProviderCapabilities { sandbox.capabilities }
    func discoverClients() async throws -> [RemoteClient] { try await sandbox.discoverClients() }
    func client(_ r: RemoteClientReference) async throws -> RemoteClient? { try await sandbox.client(r) }
    func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        try await sandbox.register(displayName: displayName, secretLifetime: secretLifetime)
    }
    func addSecret(to r: RemoteClientReference, displayName: String, expiresAt: Date?) async throws -> NewSecret {
        try await sandbox.addSecret(to: r, displayName: displayName, expiresAt: expiresAt)
    }
    func removeSecret(_ keyId: String, from r: RemoteClientReference) async throws {
        try await sandbox.removeSecret(keyId, from: r)
    }
    func deleteClient(_ r: RemoteClientReference) async throws { try await sandbox.deleteClient(r) }
    func verify(_ s: SecretText, for r: RemoteClientReference) async throws -> SecretVerification {
        try await sandbox.verify(s, for: r)
    }
    func checkAdminAccess() async throws -> AdminAccessStatus { try await sandbox.checkAdminAccess() }
}
