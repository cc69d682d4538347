import Foundation
import GRDB

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
        try store.write { db in
            let contracts = try contractAPIs.map { wanted -> GatewayAppContract in
                guard let apiId = try String.fetchOne(
                    db, sql: "SELECT remoteId FROM api WHERE name = ? AND (? IS NULL OR environment = ?)",
                    arguments: [wanted.api, wanted.environment, wanted.environment])
                else { throw ClienteleError.notFound("sandbox gateway: no API \(wanted.api)") }
                return GatewayAppContract(apiRemoteId: apiId, status: appKind == .anypointApplication ? "APPROVED" : "granted")
            }
            try db.execute(
                sql: "INSERT INTO app (remoteId, name, clientIds, environments, contracts) VALUES (?, ?, ?, ?, ?)",
                arguments: [remoteId, name, try Self.json(clientIds), try environments.map { try Self.json($0) },
                            try Self.json(contracts)])
            for secret in secrets {
                try insertSecret(db, app: remoteId, text: secret.text, createdAt: secret.createdAt, expiresAt: secret.expiresAt)
            }
        }
        return remoteId
    }

    /// "Reset Secret" pressed in the gateway's own portal: a new secret only the gateway knows.
    public func resetSecretByHand(app name: String) throws {
        try store.write { db in
            guard let remoteId = try String.fetchOne(db, sql: "SELECT remoteId FROM app WHERE name = ?", arguments: [name]) else {
                throw ClienteleError.notFound("sandbox gateway: no app \(name)")
            }
            try db.execute(sql: "DELETE FROM credential WHERE appRemoteId = ?", arguments: [remoteId])
            try insertSecret(db, app: remoteId, text: SecretGenerator.make(), createdAt: clock.now, expiresAt: nil)
        }
    }

    func insertSecret(_ db: Database, app: String, text: SecretText, createdAt: Date, expiresAt: Date?) throws
        -> RemoteSecret
    {
        let remoteId = holdsSeveralSecrets ? UUID().uuidString.lowercased() : SecretFingerprint.keyId(of: text)
        let label = secretType == .keyAuth ? "key-auth" : "client secret"
        try db.execute(
            sql: "INSERT INTO credential (remoteId, appRemoteId, type, label, secret, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [remoteId, app, secretType.rawValue, label, text.reveal(), createdAt, expiresAt])
        return RemoteSecret(keyId: remoteId, hint: "", displayName: label, createdAt: createdAt, expiresAt: expiresAt)
    }

    static func decoded<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: GatewayAdapter's client side

    public func clientApps() async throws -> [RemoteGatewayApp] {
        try await store.read { db in try self.apps(db) }
    }

    func apps(_ db: Database) throws -> [RemoteGatewayApp] {
        var credentials: [String: [GatewayCredentialMetadata]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM credential ORDER BY createdAt, remoteId") {
            credentials[row["appRemoteId"], default: []].append(GatewayCredentialMetadata(
                remoteId: row["remoteId"], type: GatewayCredentialType(rawValue: row["type"]) ?? secretType,
                label: row["label"], createdAt: row["createdAt"], expiresAt: row["expiresAt"]))
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM app ORDER BY name").map { row in
            let remoteId: String = row["remoteId"]
            return RemoteGatewayApp(
                remoteId: remoteId, kind: appKind, name: row["name"],
                clientIds: try Self.decoded([String].self, row["clientIds"]),
                environments: try (row["environments"] as String?).map { try Self.decoded([String].self, $0) },
                credentials: credentials[remoteId] ?? [],
                contracts: try Self.decoded([GatewayAppContract].self, row["contracts"]),
                showsSecretCopy: !holdsSeveralSecrets)
        }
    }

    public func secretCopy(of app: RemoteGatewayApp, clientId: String) async throws -> SecretText? {
        guard !holdsSeveralSecrets, app.clientIds.contains(clientId) else { return nil }
        return try await store.read { db in
            try String.fetchOne(db, sql: "SELECT secret FROM credential WHERE appRemoteId = ?", arguments: [app.remoteId])
                .map(SecretText.init)
        }
    }

    public func credentialHolder() -> any IdentityProviderAdapter { SandboxCredentialHolder(gateway: self) }
}
