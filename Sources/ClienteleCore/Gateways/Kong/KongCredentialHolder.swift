import Foundation

/// Kong as the holder of the secrets it validates itself: per consumer, its key-auth keys and its OAuth2
/// credentials, each a set (`KongCredentialSet`) that rotates with overlap: a rotation adds a credential, the
/// consumer holds old and new while callers move, and the old one is deleted after the grace period. A secret's
/// key id is its credential id; paths carry consumer and credential ids only, never a key.
public struct KongCredentialHolder: IdentityProviderAdapter {
    let gateway: KongGateway
    var api: KongAdminAPI { gateway.api }
    var gatewayName: String { gateway.gateway.name }

    /// kong/db/dao/init.lua refuses a `ttl` over 100,000,000 seconds ("a bit over three years").
    static let longestTTL: TimeInterval = 100_000_000

    /// OAuth2 credentials have no ttl in Kong's DAO, so only key-auth honours the chosen end; the longest ttl
    /// Kong takes is the cap, so a default lifetime is cut to what a key can have rather than refused.
    public var capabilities: IdentityProviderCapabilities {
        IdentityProviderCapabilities(allowsOverlap: true, maxSecretLifetime: Self.longestTTL, maxActiveSecrets: nil,
                                     choosesExpiry: true)
    }

    public func discoverClients() async throws -> [RemoteClient] {
        let directory = try await KongConsumerDirectory.read(api, types: KongCredentialSet.rotated)
        return directory.consumers.flatMap { consumer in
            KongCredentialSet.rotated.compactMap { type -> RemoteClient? in
                let held = directory.credentials(of: consumer, type)
                guard !held.isEmpty else { return nil }
                return remoteClient(KongCredentialSet(consumerId: consumer.id, type: type), consumer: consumer,
                                    held: held, readAt: directory.readAt)
            }
        }
        .sorted { ($0.displayName, $0.clientId) < ($1.displayName, $1.clientId) }
    }

    /// One set: nil when its consumer is gone, else the consumer with what the set holds now (maybe nothing).
    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        let set = try credentialSet(reference)
        guard let consumer = try await consumer(set) else { return nil }
        let readAt = Date()
        let held = try await set.credentials(api, purpose: "reading the \(set.type.rawValue) credentials of consumer \(consumer.name)")
        return remoteClient(set, consumer: consumer, held: held, readAt: readAt)
    }

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        throw ClienteleError.invalidInput(
            "gateway \(gatewayName): Kong consumers and their credentials are made at the gateway (Admin API or decK), not by Clientele")
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        throw ClienteleError.invalidInput(
            "gateway \(gatewayName): Kong consumers are made and removed at the gateway (Admin API or decK), not by Clientele")
    }

    public func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret
    {
        let set = try credentialSet(reference)
        guard let consumer = try await consumer(set) else {
            throw ClienteleError.gateway("gateway \(gatewayName): consumer \(set.consumerId) is gone; run `sync` to forget it")
        }
        switch set.type {
        case .keyAuth: return try await addKey(to: set, consumer: consumer, displayName: displayName, expiresAt: expiresAt)
        default: return try await addOAuth2Credential(to: set, consumer: consumer, displayName: displayName)
        }
    }

    /// Kong makes the key (the reply's `key` is the text); its lifetime is Kong's `ttl` option.
    private func addKey(to set: KongCredentialSet, consumer: KongConsumer, displayName: String, expiresAt: Date?)
        async throws -> NewSecret
    {
        var body: [String: GatewayValue] = [
            "tags": .strings([KongPolicyMapping.managedTag] + KongNoteTags.tags(from: ["clientele.name": .string(displayName)])),
        ]
        let now = Date()
        if let expiresAt {
            let ttl = expiresAt.timeIntervalSince(now).rounded(.up)
            guard ttl >= 1 else {
                throw ClienteleError.invalidInput(
                    "gateway \(gatewayName): consumer \(consumer.name) key-auth: the new key's end \(Timestamp.iso8601(expiresAt)) has passed")
            }
            guard ttl <= Self.longestTTL else {
                throw ClienteleError.invalidInput(
                    "gateway \(gatewayName): consumer \(consumer.name) key-auth: Kong keeps a key at most 100000000 seconds (about 3 years 2 months); choose a shorter lifetime")
            }
            body["ttl"] = .int(Int(ttl))
        }
        let purpose = "adding a key-auth key to consumer \(consumer.name)"
        let made = try await api.json(.POST, set.path, body: .object(body), purpose: purpose)
        guard let credential = KongCredential(made, type: .keyAuth), let text = credential.key else {
            throw api.peer.failure("\(purpose): HTTP 201 without the credential's id and key")
        }
        let metadata = remoteSecret(credential, readAt: now)
        return NewSecret(metadata: metadata, text: text)
    }

    /// Clientele makes the secret and sends it with `hash_secret`, so Kong keeps only its PBKDF2 hash (the reply
    /// shows the hash, never the text); the consumer's redirect URIs and client type are copied from the OAuth2
    /// credential it has. Kong makes the new client_id, which the secret's name shows the operator.
    private func addOAuth2Credential(to set: KongCredentialSet, consumer: KongConsumer, displayName: String)
        async throws -> NewSecret
    {
        let purpose = "adding an OAuth2 credential to consumer \(consumer.name)"
        let existing = try await set.credentials(api, purpose: purpose)
            .sorted { ($0.createdAt ?? .distantPast) > ($1.createdAt ?? .distantPast) }
        let text = SecretGenerator.make()
        var body: [String: GatewayValue] = [
            "name": .string(displayName), "client_secret": .string(text.reveal()), "hash_secret": .bool(true),
            "tags": .strings([KongPolicyMapping.managedTag]),
        ]
        if let model = existing.first {
            for field in ["redirect_uris", "client_type"] {
                if let value = model.value[path: field], value != .null { body[field] = value }
            }
        }
        let now = Date()
        // Kong's refusal names fields and their problems, never the values sent, so its message may be shown.
        let made = try await api.json(.POST, set.path, body: .object(body), purpose: purpose)
        guard let credential = KongCredential(made, type: .oauth2), let clientId = credential.clientId else {
            throw api.peer.failure("\(purpose): HTTP 201 without the credential's id and client_id")
        }
        var metadata = remoteSecret(credential, readAt: now)
        metadata.displayName = "\(displayName), oauth2 client_id \(clientId)"
        return NewSecret(metadata: metadata, text: text)
    }

    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        let set = try credentialSet(reference)
        guard UUID(uuidString: keyId) != nil else {
            throw ClienteleError.invalidInput(
                "gateway \(gatewayName): consumer \(set.consumerId) \(set.type.rawValue): a key id that is not a Kong credential id (a UUID)")
        }
        let purpose = "removing \(set.type.rawValue) credential \(keyId) of consumer \(set.consumerId)"
        let response = try await api.request(.DELETE, "\(set.path)/\(KongAdminAPI.escape(keyId))", purpose: purpose)
        // Kong answers 204 for a credential already gone; 404 (its consumer gone too) means the same.
        if response.status != 404 { try api.requireSuccess(response, purpose: purpose) }
    }

    /// Reads the set's credentials back by consumer and compares in memory: a key-auth key as Kong matches it, an
    /// OAuth2 secret in clear or against its PBKDF2 hash. An expired key is gone from Kong's answers, so it is
    /// rejected like a removed one.
    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let set = try credentialSet(reference)
        let held: [KongCredential]
        do {
            held = try await set.credentials(api, purpose: "reading back the \(set.type.rawValue) credentials of consumer \(set.consumerId)")
        } catch let error as ClienteleError {
            return .couldNotVerify(error.description)
        }
        let who = "consumer \(set.consumerId)"
        switch set.type {
        case .keyAuth:
            for credential in held {
                guard let key = credential.key, secret.matches(key) else { continue }
                if let ttl = credential.value[path: "ttl"]?.numberValue, ttl <= 0 {
                    return .rejected("gateway \(gatewayName): the key-auth key of \(who) has expired (its ttl ran out)")
                }
                return .accepted
            }
            return .rejected("gateway \(gatewayName): \(who) holds no key-auth key with this text (removed, expired or never made)")
        default:
            var unchecked: [String] = []
            for credential in held {
                switch KongOAuth2Secret.check(secret, against: credential) {
                case .matches: return .accepted
                case .differs: continue
                case .cannotCheck(let reason): unchecked.append("\(credential.label): \(reason)")
                }
            }
            if let first = unchecked.first {
                return .couldNotVerify("gateway \(gatewayName): \(who): \(first)")
            }
            return .rejected("gateway \(gatewayName): no OAuth2 credential of \(who) has this client secret")
        }
    }

    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let check = try await gateway.check()
        let detail = check.isHealthy
            ? "Kong \(check.version ?? "?") Admin API answers; consumers' key-auth keys and OAuth2 credentials can be rotated there"
            : check.problems.joined(separator: "; ")
        return AdminAccessStatus(canAct: check.reachable && check.credentialAccepted, credentialExpiresAt: nil,
                                 detail: detail)
    }

    // MARK: Reading

    private func credentialSet(_ reference: RemoteClientReference) throws -> KongCredentialSet {
        guard let set = KongCredentialSet(reference) else {
            throw ClienteleError.invalidInput(
                "gateway \(gatewayName): '\(reference.clientId)' is not a Kong credential set (<consumer id>/key-auth or <consumer id>/oauth2)")
        }
        return set
    }

    private func consumer(_ set: KongCredentialSet) async throws -> KongConsumer? {
        let purpose = "reading consumer \(set.consumerId)"
        let response = try await api.request(.GET, "/consumers/\(KongAdminAPI.escape(set.consumerId))", purpose: purpose)
        if response.status == 404 { return nil }
        try api.requireSuccess(response, purpose: purpose)
        return KongConsumer(try response.decode(GatewayValue.self, purpose: purpose))
    }

    private func remoteClient(_ set: KongCredentialSet, consumer: KongConsumer, held: [KongCredential], readAt: Date)
        -> RemoteClient
    {
        RemoteClient(
            clientId: set.clientId, objectId: consumer.id, displayName: "\(consumer.name) \(set.type.rawValue)",
            secrets: held.map { remoteSecret($0, readAt: readAt) }.sorted { ($0.createdAt, $0.keyId) < ($1.createdAt, $1.keyId) })
    }

    /// Hint is always empty: Clientele keeps nothing of a gateway-held secret's text. A credential a rotation
    /// made carries the rotation's name (a tag on a key, the `name` of an OAuth2 credential), so an interrupted
    /// rotation finds what it made; any other is named in Kong's terms.
    func remoteSecret(_ credential: KongCredential, readAt: Date) -> RemoteSecret {
        let tags = credential.value[path: "tags"]?.stringsValue ?? []
        var displayName = credential.label
        if tags.contains(KongPolicyMapping.managedTag) {
            switch credential.type {
            case .keyAuth: displayName = KongNoteTags.fields(from: tags)["clientele.name"]?.stringValue ?? displayName
            default: displayName = credential.value[path: "name"]?.stringValue ?? displayName
            }
        }
        return RemoteSecret(keyId: credential.id, hint: "", displayName: displayName,
                            createdAt: credential.createdAt ?? readAt, expiresAt: credential.expiresAt(readAt: readAt))
    }
}
