import Crypto
import Foundation
import GRDB

/// An identity provider that lives beside the registry (its own file, or its own schema in a PostgreSQL registry's
/// database: `SandboxStore`), for the demo, the tests and trying Clientele out. It behaves like the
/// real thing it imitates: the Entra profile keeps overlapping secrets and caps lifetimes at 24 months; the OIDC
/// profile keeps one secret, and a new one kills the old at once. It stores only salted hashes of secrets, so it
/// can answer "does this secret work?" without being able to reveal one.
public final class SandboxIdentityProvider: IdentityProviderAdapter {
    /// Where its state is: the file's path, or its schema in the registry's database.
    public let stateFile: String
    public let profile: SandboxProfile
    let clock: ClienteleClock
    let store: SandboxStore

    /// Entra's portal limit; the sandbox enforces it so rotations meet the same cap as in production.
    public static let maxLifetime: TimeInterval = 730 * 86_400
    static let defaultLifetime: TimeInterval = 365 * 86_400

    /// The sandbox whose state file is `stateFile`.
    public convenience init(stateFile: String, profile: SandboxProfile, clock: ClienteleClock, create: Bool = false) throws {
        try self.init(location: .file(stateFile), profile: profile, clock: clock, create: create)
    }

    /// The sandbox whose state its settings record as `state`, in `home`.
    public convenience init(state: String, in home: SandboxHome, profile: SandboxProfile, clock: ClienteleClock,
                            create: Bool = false) throws
    {
        try self.init(location: home.location(of: state), profile: profile, clock: clock, create: create)
    }

    init(location: SandboxLocation, profile: SandboxProfile, clock: ClienteleClock, create: Bool) throws {
        self.profile = profile
        self.clock = clock
        store = try SandboxStore.open(location, create: create, schema: Self.schema)
        stateFile = store.description
    }

    static let schema = SandboxStore.Schema(
        label: "sandbox-idp", what: "sandbox IdP state", migrator: { migrator }, postgresTables: postgresTables,
        failure: ClienteleError.identityProvider)

    /// The file's tables as its migrator leaves them, in PostgreSQL's types.
    static let postgresTables = """
        CREATE TABLE app (
            appId text PRIMARY KEY NOT NULL,
            objectId text NOT NULL UNIQUE,
            displayName text NOT NULL,
            createdAt timestamptz(3) NOT NULL);
        CREATE TABLE password (
            keyId text PRIMARY KEY NOT NULL,
            appId text NOT NULL REFERENCES app(appId) ON DELETE CASCADE,
            hint text NOT NULL,
            displayName text NOT NULL,
            salt bytea NOT NULL,
            hash bytea NOT NULL,
            createdAt timestamptz(3) NOT NULL,
            expiresAt timestamptz(3),
            lastUsedAt timestamptz(3));
        CREATE INDEX password_on_appId ON password(appId);
        CREATE TABLE admin (name text PRIMARY KEY NOT NULL, expiresAt timestamptz(3));
        """

    /// The state file's schema, migration by migration as it shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sandbox") { db in
            try db.create(table: "app") { t in
                t.primaryKey("appId", .text)
                t.column("objectId", .text).notNull().unique()
                t.column("displayName", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "password") { t in
                t.primaryKey("keyId", .text)
                t.column("appId", .text).notNull().references("app", onDelete: .cascade).indexed()
                t.column("hint", .text).notNull()
                t.column("displayName", .text).notNull()
                t.column("salt", .blob).notNull()
                t.column("hash", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
            }
            try db.create(table: "admin") { t in
                t.primaryKey("name", .text)
                t.column("expiresAt", .datetime)
            }
        }
        migrator.registerMigration("v2: secret use") { db in
            // Each successful verification is a use, as a sign-in is at Entra, so the demo shows last use too.
            try db.alter(table: "password") { t in t.add(column: "lastUsedAt", .datetime) }
        }
        return migrator
    }

    public var capabilities: IdentityProviderCapabilities {
        switch profile {
        case .entra:
            return IdentityProviderCapabilities(
                allowsOverlap: true, maxSecretLifetime: Self.maxLifetime, maxActiveSecrets: 16, choosesExpiry: true)
        case .oidc:
            return IdentityProviderCapabilities(
                allowsOverlap: false, maxSecretLifetime: Self.maxLifetime, maxActiveSecrets: 1, choosesExpiry: true)
        }
    }

    // MARK: - Adapter

    public func discoverClients() async throws -> [RemoteClient] {
        try store.read { transaction in
            let apps = try transaction.fetchAll(
                "SELECT appId, objectId, displayName FROM app ORDER BY displayName, appId"
            ) { (appId: try $0.string(0), objectId: try $0.string(1), displayName: try $0.string(2)) }
            var secretsByApp: [String: [RemoteSecret]] = [:]
            // Every column but the salt and hash, row by row: the demo's gateways list 80k apps' 240k passwords
            // twice, and copying each row with its blobs was a tenth of building the demo.
            try transaction.forEachRow(
                "SELECT \(Self.secretColumns), appId FROM password ORDER BY createdAt, keyId", []
            ) { row in
                secretsByApp[try row.string(5), default: []].append(try Self.remoteSecret(row))
            }
            return apps.map { app in
                RemoteClient(clientId: app.appId, objectId: app.objectId, displayName: app.displayName,
                             secrets: secretsByApp[app.appId] ?? [])
            }
        }
    }

    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        try store.read { transaction in try Self.fetchClient(transaction, appId: reference.clientId) }
    }

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        let now = clock.now
        let appId = profile == .entra ? UUID().uuidString.lowercased() : Self.randomIdentifier(length: 24)
        let objectId = UUID().uuidString.lowercased()
        let secret = try makeSecret(displayName: "initial", expiresAt: secretLifetime.map { now + $0 }, now: now)
        try store.write { transaction in
            try transaction.execute(
                "INSERT INTO app(appId, objectId, displayName, createdAt) VALUES (?, ?, ?, ?)",
                appId, objectId, displayName, now)
            try Self.insert(secret, appId: appId, transaction)
        }
        let client = RemoteClient(clientId: appId, objectId: objectId, displayName: displayName,
                                  secrets: [secret.metadata])
        return (client, secret.newSecret)
    }

    public func addSecret(to reference: RemoteClientReference, displayName: String, expiresAt: Date?) async throws
        -> NewSecret
    {
        let now = clock.now
        let secret = try makeSecret(displayName: displayName, expiresAt: expiresAt, now: now)
        let profile = self.profile
        let capacity = capabilities.maxActiveSecrets ?? .max
        let replaced: [String] = try store.write { transaction in
            guard try transaction.count("app", "WHERE appId = ?", [.text(reference.clientId)]) > 0 else {
                throw ClienteleError.identityProvider("sandbox IdP has no client \(reference.clientId)")
            }
            var replaced: [String] = []
            if profile == .oidc {
                // Like RFC 7592 providers that issue a new secret on update: the old one dies with it.
                replaced = try transaction.strings(
                    "SELECT keyId FROM password WHERE appId = ? ORDER BY createdAt, keyId", reference.clientId)
                try transaction.execute("DELETE FROM password WHERE appId = ?", reference.clientId)
            } else {
                let count = try transaction.count("password", "WHERE appId = ?", [.text(reference.clientId)])
                guard count < capacity else {
                    throw ClienteleError.identityProvider(
                        "sandbox IdP: client \(reference.clientId) already holds \(count) secrets, the most it may hold")
                }
            }
            try Self.insert(secret, appId: reference.clientId, transaction)
            return replaced
        }
        return NewSecret(metadata: secret.metadata, text: secret.newSecret.text, replacedKeyIds: replaced)
    }

    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        try store.write { transaction in
            try transaction.execute("DELETE FROM password WHERE keyId = ? AND appId = ?", keyId, reference.clientId)
        }
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        try store.write { transaction in
            try transaction.execute("DELETE FROM app WHERE appId = ?", reference.clientId)
        }
    }

    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let now = clock.now
        let rows = try store.read { transaction in
            try transaction.fetchAll(
                "SELECT keyId, salt, hash, expiresAt FROM password WHERE appId = ? ORDER BY createdAt, keyId",
                [.text(reference.clientId)]
            ) { (keyId: try $0.string(0), salt: try $0.data(1), hash: try $0.data(2), expiresAt: try $0.optionalDate(3)) }
        }
        if rows.isEmpty { return .rejected("the sandbox IdP knows no secret for client \(reference.clientId)") }
        for row in rows {
            guard Self.hash(secret, salt: row.salt) == row.hash else { continue }
            if let expiresAt = row.expiresAt, expiresAt <= now {
                return .rejected("the secret expired on \(Timestamp.iso8601(expiresAt))")
            }
            try recordUse(keyId: row.keyId, at: now)
            return .accepted
        }
        return .rejected("the secret does not match any secret of client \(reference.clientId)")
    }

    public func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
        let appIds = clients.map { Set($0.map(\.clientId)) }
        // Every used secret, filtered here: a list of ids as one parameter is an engine's own form (SQLite's
        // json_each, PostgreSQL's arrays), and the sandbox's used secrets are few.
        let pairs = try store.read { transaction in
            try transaction.fetchAll("SELECT keyId, lastUsedAt, appId FROM password WHERE lastUsedAt IS NOT NULL") {
                (keyId: try $0.string(0), lastUsedAt: try $0.date(1), appId: try $0.string(2))
            }
        }.filter { appIds?.contains($0.appId) ?? true }.map { ($0.keyId, $0.lastUsedAt) }
        return .available(lastUsed: Dictionary(pairs, uniquingKeysWith: max))
    }

    public func checkUsageAccess() async -> SecretUsageAccess {
        SecretUsageAccess(readable: true, detail: "the sandbox records each successful verification as a use")
    }

    /// Records a use of a secret at `date` (the demo's callers, and tests standing for a caller that never
    /// switched).
    public func recordUse(keyId: String, at date: Date) throws {
        try store.write { transaction in
            try transaction.execute("UPDATE password SET lastUsedAt = ? WHERE keyId = ?", date, keyId)
        }
    }

    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let expiresAt = try store.read { transaction in
            try transaction.fetchOne("SELECT expiresAt FROM admin WHERE name = 'clientele'") { try $0.optionalDate(0) } ?? nil
        }
        return AdminAccessStatus(canAct: true, credentialExpiresAt: expiresAt,
                                 detail: "sandbox IdP (\(profile.rawValue) profile) at \(stateFile)")
    }

    // MARK: - Seeding (demo)

    /// Sets when the sandbox's notional admin credential expires, so the demo shows it in the expiry report.
    public func setAdminCredentialExpiry(_ date: Date?) throws {
        try store.write { transaction in
            try transaction.execute(
                "INSERT INTO admin(name, expiresAt) VALUES ('clientele', ?) ON CONFLICT(name) DO UPDATE SET expiresAt = excluded.expiresAt",
                date)
        }
    }

    /// Bulk-inserts clients whose secrets nobody knows (the demo's pre-existing estate), in one transaction.
    /// Their hashes are of random bytes that were never kept, exactly like secrets issued before Clientele.
    public func seed(_ clients: [RemoteClient]) throws {
        let sqlite = store.dialect == .sqlite
        try store.write { transaction in
            // Room for the whole seed's dirty pages until commit: with SQLite's 2 MiB default, 100k apps' inserts
            // spilled the same index pages into the WAL again and again. Back to the default after, for the console.
            if sqlite { try transaction.execute("PRAGMA cache_size = -131072", []) }
            defer { if sqlite { _ = try? transaction.execute("PRAGMA cache_size = -2000", []) } }
            let insertApp = "INSERT INTO app(appId, objectId, displayName, createdAt) VALUES (?, ?, ?, ?)"
            let insertPassword = """
                INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            // A seeded generator is enough here: these bytes stand for hashes, and finding a secret that hashes to
            // them is as hard however they were chosen. The system generator costs a syscall per call.
            var generator = SeededRandom(seed: UInt64(clients.count))
            for client in clients {
                try transaction.execute(
                    insertApp, client.clientId, client.objectId ?? UUID().uuidString.lowercased(), client.displayName,
                    client.secrets.map(\.createdAt).min() ?? clock.now)
                for secret in client.secrets {
                    var unknowable = Data(capacity: 32)
                    for _ in 0..<4 { withUnsafeBytes(of: generator.next()) { unknowable.append(contentsOf: $0) } }
                    try transaction.execute(
                        insertPassword, secret.keyId, client.clientId, secret.hint, secret.displayName, Data(), unknowable,
                        secret.createdAt, secret.expiresAt)
                }
            }
        }
    }

    // MARK: - Internals

    private struct StoredSecret {
        let metadata: RemoteSecret
        let salt: Data
        let hash: Data
        let newSecret: NewSecret
    }

    private func makeSecret(displayName: String, expiresAt: Date?, now: Date) throws -> StoredSecret {
        let expiry = expiresAt ?? now + Self.defaultLifetime
        guard expiry.timeIntervalSince(now) <= Self.maxLifetime + 1 else {
            throw ClienteleError.identityProvider(
                "sandbox IdP refuses a secret lifetime over 24 months (asked until \(Timestamp.iso8601(expiry)))")
        }
        guard expiry > now else {
            throw ClienteleError.identityProvider("sandbox IdP refuses a secret that expires in the past")
        }
        let text = SecretGenerator.make()
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let metadata = RemoteSecret(
            keyId: UUID().uuidString.lowercased(), hint: text.hint, displayName: displayName, createdAt: now,
            expiresAt: expiry)
        return StoredSecret(metadata: metadata, salt: salt, hash: Self.hash(text, salt: salt),
                            newSecret: NewSecret(metadata: metadata, text: text))
    }

    private static func insert(_ secret: StoredSecret, appId: String, _ transaction: StoreTransaction) throws {
        try transaction.execute(
            """
            INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            secret.metadata.keyId, appId, secret.metadata.hint, secret.metadata.displayName, secret.salt,
            secret.hash, secret.metadata.createdAt, secret.metadata.expiresAt)
    }

    static func hash(_ secret: SecretText, salt: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Data(secret.reveal().utf8))
        return Data(hasher.finalize())
    }

    private static func fetchClient(_ transaction: StoreTransaction, appId: String) throws -> RemoteClient? {
        guard let app = try transaction.fetchOne(
            "SELECT objectId, displayName FROM app WHERE appId = ?", [.text(appId)],
            { (objectId: try $0.string(0), displayName: try $0.string(1)) })
        else { return nil }
        let secrets = try transaction.fetchAll(
            "SELECT \(secretColumns) FROM password WHERE appId = ? ORDER BY createdAt, keyId", [.text(appId)], remoteSecret)
        return RemoteClient(clientId: appId, objectId: app.objectId, displayName: app.displayName, secrets: secrets)
    }

    /// What `remoteSecret` reads, in its order.
    private static let secretColumns = "keyId, hint, displayName, createdAt, expiresAt"

    private static func remoteSecret(_ row: StoreRow) throws -> RemoteSecret {
        RemoteSecret(keyId: try row.string(0), hint: try row.string(1), displayName: try row.string(2),
                     createdAt: try row.date(3), expiresAt: try row.optionalDate(4))
    }

    static func randomIdentifier(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
