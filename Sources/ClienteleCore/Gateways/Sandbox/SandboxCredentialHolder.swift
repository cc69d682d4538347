import Foundation

/// The sandbox gateway as the holder of its own secrets, following `GatewayAdapter.credentialHolder()`'s
/// conventions for the gateway it imitates: Kong consumers' key-auth keys overlap; an Anypoint application's or
/// a Tyk OAuth client's one secret is replaced at once.
struct SandboxCredentialHolder: IdentityProviderAdapter {
    let gateway: SandboxGateway

    var capabilities: IdentityProviderCapabilities {
        gateway.holdsSeveralSecrets
            ? IdentityProviderCapabilities(allowsOverlap: true, maxSecretLifetime: nil, maxActiveSecrets: nil, choosesExpiry: true)
            : IdentityProviderCapabilities(allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1, choosesExpiry: false)
    }

    private var suffix: String { "/\(GatewayCredentialType.keyAuth.rawValue)" }

    func discoverClients() async throws -> [RemoteClient] {
        try gateway.store.read { transaction in try gateway.apps(transaction).compactMap(set) }
    }

    /// The app's set of held secrets as a client, or nil when it holds none.
    private func set(_ app: RemoteGatewayApp) -> RemoteClient? {
        let secrets = app.credentials.filter { $0.type == gateway.secretType }.map {
            RemoteSecret(keyId: $0.remoteId, hint: "", displayName: $0.label, createdAt: $0.createdAt ?? Date(timeIntervalSince1970: 0),
                         expiresAt: $0.expiresAt)
        }
        guard !secrets.isEmpty else { return nil }
        if gateway.holdsSeveralSecrets {
            return RemoteClient(clientId: app.remoteId + suffix, objectId: app.remoteId, displayName: "\(app.name) key-auth",
                                secrets: secrets)
        }
        return RemoteClient(clientId: app.clientIds.first ?? app.remoteId, objectId: app.remoteId, displayName: app.name,
                            secrets: secrets)
    }

    private func appRemoteId(_ reference: RemoteClientReference) throws -> String {
        if let objectId = reference.objectId { return objectId }
        if reference.clientId.hasSuffix(suffix) { return String(reference.clientId.dropLast(suffix.count)) }
        throw ClienteleError.gateway("gateway \(gateway.name): \(reference.clientId) names no app")
    }

    func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        let remoteId = try appRemoteId(reference)
        return try gateway.store.read { transaction in
            try gateway.apps(transaction).first { $0.remoteId == remoteId }.flatMap(set)
        }
    }

    func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        throw ClienteleError.invalidInput("gateway \(gateway.name): apps are made at the gateway, not by Clientele")
    }

    func deleteClient(_ reference: RemoteClientReference) async throws {
        throw ClienteleError.invalidInput("gateway \(gateway.name): apps are removed at the gateway, not by Clientele")
    }

    func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws -> NewSecret {
        let remoteId = try appRemoteId(reference)
        let text = SecretGenerator.make()
        return try gateway.store.write { transaction in
            // One secret at a time: the app's secret is replaced.
            let replaced = gateway.holdsSeveralSecrets
                ? [] : try transaction.strings(
                    "SELECT remoteId FROM credential WHERE appRemoteId = ? ORDER BY createdAt, remoteId", remoteId)
            if !replaced.isEmpty {
                try transaction.execute("DELETE FROM credential WHERE appRemoteId = ?", remoteId)
            }
            let metadata = try gateway.insertSecret(
                transaction, app: remoteId, text: text, createdAt: gateway.clock.now,
                expiresAt: gateway.holdsSeveralSecrets ? expiresAt : nil)
            return NewSecret(metadata: metadata, text: text, replacedKeyIds: replaced)
        }
    }

    func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        let remoteId = try appRemoteId(reference)
        try gateway.store.write { transaction in
            if !gateway.holdsSeveralSecrets,
                try transaction.string(
                    "SELECT remoteId FROM credential WHERE appRemoteId = ? ORDER BY createdAt, remoteId", remoteId) == keyId
            {
                throw ClienteleError.invalidInput(
                    "gateway \(gateway.name): \(reference.clientId) has one secret and cannot be left without it; delete the app at the gateway instead")
            }
            try transaction.execute("DELETE FROM credential WHERE remoteId = ? AND appRemoteId = ?", keyId, remoteId)
        }
    }

    func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let remoteId = try appRemoteId(reference)
        let now = gateway.clock.now
        let rows = try gateway.store.read { transaction in
            try transaction.fetchAll(
                "SELECT secret, expiresAt FROM credential WHERE appRemoteId = ? ORDER BY createdAt, remoteId", [.text(remoteId)]
            ) { (secret: try $0.string(0), expiresAt: try $0.optionalDate(1)) }
        }
        for row in rows where SecretText(row.secret).matches(secret) {
            if let expiresAt = row.expiresAt, expiresAt <= now { return .rejected("the key expired") }
            return .accepted
        }
        return .rejected("the gateway holds no such secret for \(reference.clientId)")
    }

    func checkAdminAccess() async throws -> AdminAccessStatus {
        AdminAccessStatus(canAct: true, credentialExpiresAt: nil, detail: "sandbox gateway \(gateway.stateFile)")
    }
}
