import Foundation

/// A Tyk gateway as the holder of its OAuth clients' secrets, one `RemoteClient` per client id (`objectId` the
/// first API holding it). A Tyk OAuth client has exactly one secret and the rotate endpoint replaces it, so there
/// is no overlap: the old secret stops working the moment the new one is issued.
///
/// Tyk keeps a copy of the client per API (a policy's client is copied to each OAuth API of the policy) and
/// rotates only the copy of the API it is asked about. A rotation therefore rotates the first copy and writes the
/// new secret over the others, and verification reads every copy: a secret counts only when every API takes it.
struct TykCredentialHolder: IdentityProviderAdapter {
    let gateway: TykGateway

    var api: TykAdminAPI { gateway.api }
    var name: String { gateway.gateway.name }

    var capabilities: IdentityProviderCapabilities {
        IdentityProviderCapabilities(allowsOverlap: false, maxSecretLifetime: nil, maxActiveSecrets: 1, choosesExpiry: false)
    }

    func discoverClients() async throws -> [RemoteClient] {
        let seen = Date()
        return try await gateway.heldClients().map { $0.remoteClient(seen: seen) }
    }

    func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        guard let first = try await copies(of: reference).first else { return nil }
        return RemoteClient(clientId: reference.clientId, objectId: first.apiId, displayName: first.client.name,
                            secrets: [TykHeldClient.remoteSecret(first.client, seen: Date())])
    }

    func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws -> NewSecret {
        let copies = try await copies(of: reference)
        guard let first = copies.first else {
            throw api.peer.failure("OAuth client \(reference.clientId) is no longer at the gateway; run idp sync")
        }
        let replaced = copies.map(\.client.fingerprint).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let rotated = try await api.rotateOAuthClient(reference.clientId, of: first.apiId)
        for other in copies.dropFirst() {
            do {
                let written = try await api.overwriteOAuthClient(other.client, of: other.apiId, secret: rotated.secret)
                guard written.secret.matches(rotated.secret) else {
                    throw api.peer.failure("the answer carries another secret")
                }
            } catch {
                throw api.peer.failure(
                    "OAuth client \(reference.clientId) has a new secret under API \(first.apiId) but it could not be "
                        + "set under API \(other.apiId) (\(error)); rotate it again")
            }
        }
        let metadata = TykHeldClient.remoteSecret(rotated, seen: Date())
        return NewSecret(metadata: metadata, text: rotated.secret,
                         replacedKeyIds: replaced.filter { $0 != metadata.keyId })
    }

    /// A fingerprint that is no longer the client's secret is gone: done. The current one cannot go, since a
    /// Tyk OAuth client always has exactly one secret.
    func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        for copy in try await copies(of: reference) where copy.client.fingerprint == keyId {
            throw api.peer.failure(
                "OAuth client \(reference.clientId) always has exactly one secret (\(keyId)), which Tyk cannot remove; "
                    + "delete the client at Tyk instead (DELETE /tyk/oauth/clients/\(copy.apiId)/\(reference.clientId))")
        }
    }

    /// Reads every copy back and compares in memory; the gateway not answering is no evidence either way.
    func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let copies: [TykHeldClient.Copy]
        do {
            copies = try await self.copies(of: reference)
        } catch {
            return .couldNotVerify("\(error)")
        }
        guard !copies.isEmpty else {
            return .rejected("gateway \(name) holds no OAuth client \(reference.clientId)")
        }
        for copy in copies where !copy.client.secret.matches(secret) {
            return .rejected("gateway \(name): OAuth client \(reference.clientId) holds another secret under API \(copy.apiId)")
        }
        return .accepted
    }

    func checkAdminAccess() async throws -> AdminAccessStatus {
        let report = try await gateway.check()
        let canAct = report.reachable && report.credentialAccepted
        let detail = canAct
            ? "OAuth clients can be read and rotated on gateway \(name)" + (report.version.map { " (Tyk \($0))" } ?? "")
            : report.problems.first ?? "gateway \(name) did not accept the admin secret"
        return AdminAccessStatus(canAct: canAct, credentialExpiresAt: nil, detail: detail)
    }

    func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        throw ClienteleError.invalidInput(
            "gateway \(name): Tyk OAuth clients are made at the gateway (POST /tyk/oauth/clients/create), not by Clientele")
    }

    func deleteClient(_ reference: RemoteClientReference) async throws {
        throw ClienteleError.invalidInput(
            "gateway \(name): Tyk OAuth clients are made at the gateway and deleted there too; Clientele does not delete \(reference.clientId)")
    }

    /// The client's copies, the reference's API first when it still holds one, then the others by API id.
    func copies(of reference: RemoteClientReference) async throws -> [TykHeldClient.Copy] {
        var apis = try await api.apisHolding(reference.clientId)
        if let objectId = reference.objectId, let index = apis.firstIndex(of: objectId) {
            apis.insert(apis.remove(at: index), at: 0)
        }
        var copies: [TykHeldClient.Copy] = []
        for apiId in apis {
            if let client = try await api.oauthClient(reference.clientId, of: apiId) {
                copies.append(TykHeldClient.Copy(apiId: apiId, orgId: nil, client: client))
            }
        }
        return copies
    }
}
