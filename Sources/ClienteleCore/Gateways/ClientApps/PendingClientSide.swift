import Foundation

// TEMPORARY while the Kong, Tyk and Anypoint client sides are built in parallel: each adapter overrides these,
// and this file is deleted before issue 11 is closed (its deletion is what proves every adapter has them).
extension GatewayAdapter {
    public func clientApps() async throws -> [RemoteGatewayApp] {
        throw ClienteleError.gateway("this gateway's client applications are not read yet")
    }

    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? { nil }

    public func credentialHolder() -> any IdentityProviderAdapter { PendingCredentialHolder() }
}

struct PendingCredentialHolder: IdentityProviderAdapter {
    var capabilities: IdentityProviderCapabilities {
        IdentityProviderCapabilities(allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1, choosesExpiry: false)
    }
    private var refusal: ClienteleError { .gateway("this gateway's held secrets are not reached yet") }
    func discoverClients() async throws -> [RemoteClient] { throw refusal }
    func client(_ reference: RemoteClientReference) async throws -> RemoteClient? { throw refusal }
    func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) { throw refusal }
    func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws -> NewSecret { throw refusal }
    func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws { throw refusal }
    func deleteClient(_ reference: RemoteClientReference) async throws { throw refusal }
    func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification { throw refusal }
    func checkAdminAccess() async throws -> AdminAccessStatus { throw refusal }
}
