import Foundation

/// Creating clients at an IdP, taking over ones created elsewhere, and deleting them: each at the IdP first, then
/// recorded with its audit event.
public struct ClientOnboarding: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    /// Creates a client at the IdP and delivers its first secret like a rotated one.
    public func register(
        name: String, idp: IdentityProvider, environments: [String], lifetime: DurationText?,
        delivery: SecretDelivery, deliverer: SecretDeliverer, actor: String
    ) async throws -> Client {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else {
            throw ClienteleError.invalidInput("client name '\(name)' must be one line of text")
        }
        // Everything that can be checked is checked before the IdP is touched.
        try registry.checkMay("INSERT", in: Client.table)
        for environment in environments { _ = try registry.environment(named: environment) }
        guard deliverer.canDeliver(delivery) else {
            throw ClienteleError.invalidInput(
                "no delivery for the first secret: standard output is not a terminal; pass --secret-file PATH or --secret-command CMD")
        }
        if let lifetime, lifetime.seconds == 0 {
            throw ClienteleError.invalidInput("--lifetime 0 would issue a secret that is already expired: give a longer span")
        }
        let adapter = try adapters.adapter(for: idp)
        if let lifetime, let cap = adapter.capabilities.maxSecretLifetime, lifetime.timeInterval > cap {
            throw ClienteleError.invalidInput(
                "--lifetime \(lifetime) exceeds what IdP '\(idp.name)' allows (\(DurationText(seconds: Int64(cap))))")
        }
        if case .file(let path) = delivery { try SecretFile.reserve(path) }
        let (remote, secret): (RemoteClient, NewSecret)
        do {
            (remote, secret) = try await adapter.register(displayName: trimmed, secretLifetime: lifetime?.timeInterval)
        } catch {
            if case .file(let path) = delivery, SecretFile.isEmpty(path) { unlink(path) }
            throw error
        }
        let client = try registry.recordClient(
            remote, identityProvider: idp, environments: environments, origin: .rotated, actor: actor)
        do {
            try await deliverer.deliver(secret.text, for: client, identityProvider: idp.name, via: delivery)
        } catch {
            let reason = (error as? ClienteleError)?.description ?? error.localizedDescription
            throw ClienteleError.delivery(
                "client \(trimmed) was registered at IdP \(idp.name) (client id \(remote.clientId)) but its first secret could not be delivered: \(reason); issue another with `clientele rotate \(remote.clientId)`")
        }
        return client
    }

    /// Records a client that already exists at the IdP (created in a portal or by another tool).
    /// `registration` (OIDC) is the client's RFC 7592 access, kept once the registry checks pass.
    public func adopt(clientId: String, idp: IdentityProvider, environments: [String],
                      registration: RegistrationAccess? = nil, actor: String) async throws -> Client
    {
        for environment in environments { _ = try registry.environment(named: environment) }
        if let existing = try registry.client(identityProviderId: idp.id!, clientId: clientId) {
            throw ClienteleError.conflict("client \(clientId) of IdP \(idp.name) is already recorded as \(existing.displayName) (#\(existing.id!))")
        }
        if let registration { try await storeRegistrationAccess(registration, clientId: clientId, idp: idp) }
        let adapter = try adapters.adapter(for: idp)
        guard let remote = try await adapter.client(RemoteClientReference(clientId: clientId)) else {
            throw ClienteleError.notFound("IdP \(idp.name) has no client \(clientId)")
        }
        return try registry.recordClient(remote, identityProvider: idp, environments: environments, origin: .discovered,
                                         actor: actor)
    }

    /// Deletes a client at its IdP, then from the registry (its rotations and secret metadata go with it; the audit
    /// trail keeps the record).
    public func delete(_ reference: String, actor: String) async throws -> Client {
        let client = try registry.resolveClient(reference)
        let idp = try registry.identityProvider(id: client.identityProviderId)
        guard try !registry.hasRotationInProgress(clientRowId: client.id!) else {
            throw ClienteleError.conflict("client \(client.displayName) has a rotation in progress; finish it first (`clientele rotations list`)")
        }
        try registry.checkMay("DELETE", in: Client.table)
        try await adapters.adapter(for: idp).deleteClient(RemoteClientReference(client))
        try registry.recordClientDeleted(client, identityProvider: idp, actor: actor)
        return client
    }
}
