import Foundation

/// The sandbox's client side, as the gateway it imitates has it: Kong consumers with key-auth keys (several at
/// once), or Anypoint applications and Tyk OAuth clients with one client secret each.
extension SandboxGateway {
    /// The kind of app the imitated gateway has.
    var appKind: GatewayAppKind {
        switch mapping.kind {
        case .kong: return .kongConsumer
        case .tyk: return .tykOAuthClient
        case .anypoint, .none: return .anypointApplication
        }
    }

    /// The credential type its apps carry secrets in.
    var secretType: GatewayCredentialType { appKind == .kongConsumer ? .keyAuth : .oauthClientSecret }

    /// Whether an app holds several secrets at once (Kong consumers), so rotation can overlap.
    var holdsSeveralSecrets: Bool { appKind == .kongConsumer }

    // MARK: Seeding (the demo, the tests)

    /// Adds an app with its secrets (each `(text, createdAt, expiresAt)`), its client ids and its access to APIs
    /// (by name, in the named environment of the sandbox). Returns its remote id (random unless given, as the demo
    /// gives one so that a seed builds the same registry).
    @discardableResult
    public func seedApp(
        remoteId given: String? = nil, name: String, clientIds: [String], environments: [String]? = nil,
        contracts contractAPIs: [(api: String, environment: String?)] = [],
        secrets: [(text: SecretText, createdAt: Date, expiresAt: Date?)]
    ) throws -> String {
        let remoteId = given ?? UUID().uuidString.lowercased()
        try store.write { transaction in
            let contracts = try contractAPIs.map { wanted -> GatewayAppContract in
                guard let apiId = try Self.apiId(transaction, named: wanted.api, environment: wanted.environment) else {
                    throw ClienteleError.notFound("sandbox gateway: no API \(wanted.api)")
                }
                return GatewayAppContract(apiRemoteId: apiId, status: appKind == .anypointApplication ? "APPROVED" : "granted")
            }
            try transaction.execute(
                "INSERT INTO app (remoteId, name, clientIds, environments, contracts) VALUES (?, ?, ?, ?, ?)",
                remoteId, name, try Self.json(clientIds), try environments.map { try Self.json($0) },
                try Self.json(contracts))
            for secret in secrets {
                try insertSecret(
                    transaction, app: remoteId, text: secret.text, createdAt: secret.createdAt, expiresAt: secret.expiresAt)
            }
        }
        return remoteId
    }

    /// "Reset Secret" pressed in the gateway's own portal: a new secret only the gateway knows.
    public func resetSecretByHand(app name: String) throws {
        try store.write { transaction in
            guard let remoteId = try transaction.string(
                "SELECT remoteId FROM app WHERE name = ? ORDER BY remoteId", name)
            else {
                throw ClienteleError.notFound("sandbox gateway: no app \(name)")
            }
            try transaction.execute("DELETE FROM credential WHERE appRemoteId = ?", remoteId)
            try insertSecret(transaction, app: remoteId, text: SecretGenerator.make(), createdAt: clock.now, expiresAt: nil)
        }
    }

    func insertSecret(_ transaction: StoreTransaction, app: String, text: SecretText, createdAt: Date, expiresAt: Date?) throws
        -> RemoteSecret
    {
        let remoteId = holdsSeveralSecrets ? UUID().uuidString.lowercased() : SecretFingerprint.keyId(of: text)
        let label = secretType == .keyAuth ? "key-auth" : "client secret"
        try transaction.execute(
            "INSERT INTO credential (remoteId, appRemoteId, type, label, secret, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            remoteId, app, secretType.rawValue, label, text.reveal(), createdAt, expiresAt)
        return RemoteSecret(keyId: remoteId, hint: "", displayName: label, createdAt: createdAt, expiresAt: expiresAt)
    }

    static func decoded<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: GatewayAdapter's client side

    public func clientApps() async throws -> [RemoteGatewayApp] {
        try store.read { transaction in try self.apps(transaction) }
    }

    func apps(_ transaction: StoreTransaction) throws -> [RemoteGatewayApp] {
        var credentials: [String: [GatewayCredentialMetadata]] = [:]
        try transaction.forEachRow(
            "SELECT appRemoteId, remoteId, type, label, createdAt, expiresAt FROM credential ORDER BY createdAt, remoteId", []
        ) { row in
            credentials[try row.string(0), default: []].append(GatewayCredentialMetadata(
                remoteId: try row.string(1), type: GatewayCredentialType(rawValue: try row.string(2)) ?? secretType,
                label: try row.string(3), createdAt: try row.date(4), expiresAt: try row.optionalDate(5)))
        }
        return try transaction.fetchAll(
            "SELECT remoteId, name, clientIds, environments, contracts FROM app ORDER BY name, remoteId"
        ) { row in
            let remoteId = try row.string(0)
            return RemoteGatewayApp(
                remoteId: remoteId, kind: appKind, name: try row.string(1),
                clientIds: try Self.decoded([String].self, try row.string(2)),
                environments: try row.optionalString(3).map { try Self.decoded([String].self, $0) },
                credentials: credentials[remoteId] ?? [],
                contracts: try Self.decoded([GatewayAppContract].self, try row.string(4)),
                showsSecretCopy: !holdsSeveralSecrets)
        }
    }

    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        guard !holdsSeveralSecrets, app.clientIds.contains(clientId) else { return nil }
        return try store.read { transaction in
            try transaction.string(
                "SELECT secret FROM credential WHERE appRemoteId = ? ORDER BY createdAt, remoteId", app.remoteId
            ).map(SecretText.init)
        }
    }

    public func credentialHolder() -> any IdentityProviderAdapter { SandboxCredentialHolder(gateway: self) }
}
