import Foundation

/// The Anypoint organization as the holder of its client applications' secrets, which Anypoint validates itself
/// under client-id enforcement. One set per application (`clientId` its client id, `objectId` its application
/// id) holding one secret, named by its `SecretFingerprint`: Anypoint gives a secret no id. No overlap: a
/// rotation is Exchange's secret reset, which replaces the secret at once (the contract describes no grace).
/// Verification reads the application back and compares the secret it shows, in memory.
public struct AnypointCredentialHolder: IdentityProviderAdapter {
    static let secretName = "client secret"

    let gateway: AnypointGateway

    var peer: HTTPPeer { gateway.connection.peer }

    public var capabilities: IdentityProviderCapabilities {
        IdentityProviderCapabilities(allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1,
                                     choosesExpiry: false)
    }

    public func discoverClients() async throws -> [RemoteClient] {
        let gateway = self.gateway
        return try await AnypointConcurrentReads.map(try await gateway.applicationIds()) {
            try await gateway.application(String($0))
        }.compactMap { $0.flatMap(remoteClient) }
    }

    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        try await application(reference).flatMap(remoteClient)
    }

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        throw ClienteleError.invalidInput(
            "\(peer): client applications are made at the gateway (Exchange or the API's portal), not by Clientele")
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        throw ClienteleError.invalidInput(
            "\(peer): client applications are removed at the gateway (Exchange), not by Clientele; application of client id \(reference.clientId) is left as it is")
    }

    /// Exchange's secret reset: no body, 201 with no documented body, so the new secret is read back from the
    /// application. The secret shown just before is the one that died.
    public func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret
    {
        let before = try await existing(reference)
        let what = "client application \(before.displayName) (\(before.id), client id \(reference.clientId))"
        let purpose = "resetting the client secret of \(what)"
        let response = try await gateway.connection.send(
            .POST, gateway.endpoints.secretReset(of: String(before.id)), purpose: purpose)
        guard (200..<300).contains(response.status) else {
            throw gateway.connection.failure(response, purpose, permissions: AnypointConnection.exchangePermissions)
        }
        let after = try await existing(reference)
        guard let text = after.clientSecret else {
            throw peer.failure("\(purpose): HTTP \(response.status), and the application now shows no client secret")
        }
        let keyId = SecretFingerprint.keyId(of: text)
        guard keyId != before.secretKeyId else {
            throw peer.failure(
                "\(purpose): HTTP \(response.status), yet the application still shows its old secret (client-request-id \(response.requestId))")
        }
        return NewSecret(
            metadata: RemoteSecret(keyId: keyId, hint: "", displayName: Self.secretName, createdAt: Date(),
                                   expiresAt: nil),
            text: text, replacedKeyIds: before.secretKeyId.map { [$0] } ?? [])
    }

    /// A secret that is no longer the application's (a reset replaced it) or an application that is gone is
    /// removed already; the current one cannot go, since an application always has a secret.
    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        guard let app = try await application(reference), app.secretKeyId == keyId else { return }
        throw ClienteleError.invalidInput(
            "\(peer): secret \(keyId) is the only client secret of client application \(app.displayName) (\(app.id)); Anypoint cannot remove it, only replace it: rotate client \(reference.clientId) instead")
    }

    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let app: AnypointApplication?
        do {
            app = try await application(reference)
        } catch let error as ClienteleError {
            return .couldNotVerify(error.description)
        }
        guard let app else {
            return .rejected("\(peer): no client application has client id \(reference.clientId) any more")
        }
        guard let shown = app.clientSecret else {
            return .rejected("\(peer): client application \(app.displayName) (\(app.id)) shows no client secret")
        }
        return shown.matches(secret)
            ? .accepted
            : .rejected("\(peer): client application \(app.displayName) (\(app.id)) holds another client secret")
    }

    /// The gateway check (token, organization), then one page of Exchange's applications, which is what the
    /// holder needs on top of it.
    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let check = try await gateway.check()
        guard check.reachable, check.credentialAccepted, check.problems.isEmpty else {
            return AdminAccessStatus(canAct: false, credentialExpiresAt: nil,
                                     detail: check.problems.joined(separator: "; "))
        }
        let purpose = "listing the client applications of organization \(gateway.endpoints.organizationId)"
        let response = try await gateway.connection.send(.GET, gateway.endpoints.applications(offset: 0), purpose: purpose)
        guard response.status == 200 else {
            let line = gateway.connection.failure(response, purpose, permissions: AnypointConnection.exchangePermissions)
            return AdminAccessStatus(canAct: false, credentialExpiresAt: nil, detail: line.description)
        }
        return AdminAccessStatus(
            canAct: true, credentialExpiresAt: nil,
            detail: "\(peer): connected app \(gateway.gateway.settings.clientId ?? "") can read and reset the client applications of organization \(gateway.endpoints.organizationId)")
    }

    // MARK: Reading

    /// The application `reference` names: by its application id where known (and only if it still has that
    /// client id), else found by client id among all of them.
    func application(_ reference: RemoteClientReference) async throws -> AnypointApplication? {
        if let objectId = reference.objectId, !objectId.isEmpty {
            guard let app = try await gateway.application(objectId) else { return nil }
            return app.clientId == reference.clientId ? app : nil
        }
        guard let found = try await discoverClients().first(where: { $0.clientId == reference.clientId }),
            let objectId = found.objectId
        else { return nil }
        return try await gateway.application(objectId)
    }

    private func existing(_ reference: RemoteClientReference) async throws -> AnypointApplication {
        guard let app = try await application(reference) else {
            throw ClienteleError.notFound("\(peer): no client application has client id \(reference.clientId) any more")
        }
        return app
    }

    private func remoteClient(_ app: AnypointApplication) -> RemoteClient? {
        // An application without a client id cannot be linked to anything, nor rotated by one.
        guard let clientId = app.clientId, !clientId.isEmpty else { return nil }
        let secrets = app.secretKeyId.map {
            [RemoteSecret(keyId: $0, hint: "", displayName: Self.secretName, createdAt: app.createdAt ?? Date(),
                          expiresAt: nil)]
        } ?? []
        return RemoteClient(clientId: clientId, objectId: String(app.id), displayName: app.displayName, secrets: secrets)
    }
}
