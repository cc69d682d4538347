import Foundation

/// New secrets through RFC 7592 §2.2 updates. An OIDC client has exactly one secret; an update that leaves out
/// `client_secret` makes the provider issue a new one (glewlwyd always does), and the old one dies at once.
extension OIDCIdentityProvider {
    /// `displayName` is remembered locally (OIDC secrets have no names); `expiresAt` cannot be chosen (RFC 7591
    /// has no field for it), so it is ignored, as `capabilities.choosesExpiry` says.
    public func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret
    {
        let clientId = reference.clientId
        guard var credential = try credential(for: clientId) else {
            throw failure("no registration access token is stored for it, so Clientele cannot update it (adopt it first)",
                          client: clientId)
        }
        // Before anything is sent to the client itself: a provider without RFC 7592 update is found out from the
        // recorded `idp check`, or a throwaway client's probe, not from the real client.
        try await ensureCanIssueSecrets(for: reference)
        guard let current = try await readConfiguration(credential) else {
            throw failure("the IdP no longer has it", client: clientId)
        }
        let previousKeyId = current.information.clientSecret.flatMap { $0.isEmpty ? nil : $0 }
            .map { OIDCSecretKeyId.derive(clientId: clientId, secret: SecretText($0)) }
            ?? credential.currentSecret?.keyId
        let body = try updateBody(current, credential: credential)
        let purpose = "issuing a new secret for client \(clientId) (RFC 7592 §2.2)"
        var headers = Self.bearer(credential.registrationAccessToken)
        headers.add(name: "Content-Type", value: "application/json")
        let response = try await http.send(
            PeerRequest(method: .PUT, url: credential.registrationClientURI, headers: headers, body: body,
                                    purpose: purpose, maxResponseBytes: 1024 * 1024))
        switch response.status {
        case 200:
            break
        case 401:
            throw refusedToken(clientId, response)
        case 400, 405, 501:
            // RFC 7592 §2.2 is optional: a provider without it refuses the PUT itself (405 or 501), or its
            // metadata as it would any (400). The body is the client's own metadata sent back, so either way this
            // provider does not take updates from Clientele, and nothing changed.
            updateRefused.withLock { $0 = true }
            throw cannotUpdate(clientId, answer: OIDCErrorBody.summary(response), requestId: response.requestId)
        case 500...:
            // The server failed somewhere in the update (glewlwyd on SQLite answers 500 to concurrent writes):
            // whether it issued a new secret is unknown, and an update is not retried blindly for that reason.
            throw failure(
                "the IdP failed during the update (\(OIDCErrorBody.summary(response))); it may have replaced the secret: check that the current one still works",
                client: clientId, requestId: response.requestId)
        default:
            throw failure("the update was refused: \(OIDCErrorBody.summary(response)); the secret is unchanged",
                          client: clientId, requestId: response.requestId)
        }
        let updated = try response.decode(OIDCClientInformation.self, purpose: purpose)
        guard let text = updated.clientSecret, !text.isEmpty else {
            throw failure(
                "the IdP accepted the update (HTTP 200) but returned no client_secret; check the client at the IdP: its old secret may no longer work",
                client: clientId, requestId: response.requestId)
        }
        let secret = SecretText(text)
        if let old = current.information.clientSecret, secret.matches(SecretText(old)) {
            throw failure(
                "the IdP kept the same secret on update (RFC 7592 §2.2 leaves issuing a new one to the server), so it cannot be rotated this way",
                client: clientId, requestId: response.requestId)
        }
        let metadata = secretMetadata(clientId: clientId, text: secret, displayName: displayName,
                                      expiresAt: updated.secretExpiresAt)
        // RFC 7592 §2.2: the server may issue a new registration access token (and URI); the newest one is the
        // only one that still opens the client.
        if let token = updated.registrationAccessToken, !token.isEmpty {
            credential.registrationAccessToken = SecretText(token)
        }
        if let uri = updated.registrationClientURI, !uri.isEmpty { credential.registrationClientURI = uri }
        credential.currentSecret = metadata
        do {
            try stored(clientId) { try store.save(credential) }
        } catch {
            // The new secret is live and the old one dead: losing its text now would leave the client with no
            // usable secret, so it is handed back and the store failure only logged.
            http.logger.error("IdP \(idp.name): client \(clientId): new secret issued but not recorded in the registry: \(error)")
        }
        return NewSecret(metadata: metadata, text: secret, replacedKeyIds: previousKeyId.map { [$0] } ?? [])
    }

    /// An OIDC client cannot be left without a secret, and an update already killed the previous one: removing a
    /// key that is not the current one is done; removing the current one is impossible.
    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        guard let client = try await client(reference) else { return }
        if client.secrets.contains(where: { $0.keyId == keyId }) {
            throw failure(
                "secret \(keyId) is its only secret: an OIDC provider cannot remove it without issuing another (rotate it, or delete the client)",
                client: reference.clientId)
        }
    }

    /// The full metadata for RFC 7592 §2.2: every field the read reported, minus the four the client MUST NOT send
    /// and minus `client_secret` (so that a new one is issued), with the fields that keep the client a confidential
    /// client-credentials client set explicitly (glewlwyd turns a client public when
    /// `token_endpoint_auth_method` is missing, and drops client_credentials when `grant_types` is). Redirect URIs
    /// and `application_type` go back as read: inventing a loopback URI for a web client is what OIDC Registration
    /// §2 forbids.
    func updateBody(_ current: ClientConfiguration, credential: RegistrationCredential) throws -> Data {
        var metadata = current.metadata
        for field in ["registration_access_token", "registration_client_uri", "client_secret_expires_at",
                      "client_id_issued_at", "client_secret"]
        {
            metadata.removeValue(forKey: field)
        }
        let method = current.information.tokenEndpointAuthMethod ?? "client_secret_basic"
        if method == "none" {
            throw failure("the client is public (token_endpoint_auth_method none): it has no secret to rotate",
                          client: credential.clientId, requestId: current.requestId)
        }
        metadata["client_id"] = credential.clientId
        metadata["token_endpoint_auth_method"] = method
        metadata["grant_types"] = credential.grantTypes
        if metadata["scope"] == nil, let scope { metadata["scope"] = scope }
        do {
            return try JSONSerialization.data(withJSONObject: metadata)
        } catch {
            throw failure("its metadata cannot be sent back as JSON", client: credential.clientId,
                          requestId: current.requestId)
        }
    }
}
