import Crypto
import Foundation
import GRDB

/// An identity provider that lives in a file beside the registry, for the demo and the tests. It behaves like the
/// real thing it imitates: the Entra profile keeps overlapping secrets and caps lifetimes at 24 months; the OIDC
/// profile keeps one secret, and a new one kills the old at once. It stores only salted hashes of secrets, so it
/// can answer "does this secret work?" without being able to reveal one.
public final class SandboxIdentityProvider: IdentityProviderAdapter {
    public let stateFile: String
    public let profile: SandboxProfile
    let clock: ClienteleClock
    let store: DatabaseQueue

    /// Entra's portal limit; the sandbox enforces it so rotations meet the same cap as in production.
    public static let maxLifetime: TimeInterval = 730 * 86_400
    static let defaultLifetime: TimeInterval = 365 * 86_400

    public init(stateFile: String, profile: SandboxProfile, clock: ClienteleClock, create: Bool = false) throws {
        self.stateFile = stateFile
        self.profile = profile
        self.clock = clock
        store = try SandboxStateFile.open(
            stateFile, create: create, label: "sandbox-idp", migrator: Self.migrator, what: "sandbox IdP state",
            failure: ClienteleError.identityProvider)
    }

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
        try access { db in
            let apps = try Row.fetchAll(db, sql: "SELECT appId, objectId, displayName FROM app ORDER BY displayName")
            var secretsByApp: [String: [RemoteSecret]] = [:]
            // Every column but the salt and hash, through a cursor: the demo's gateways list 80k apps' 240k
            // passwords twice, and copying each row with its blobs was a tenth of building the demo.
            let passwords = try Row.fetchCursor(db, sql: """
                SELECT keyId, appId, hint, displayName, createdAt, expiresAt, lastUsedAt FROM password ORDER BY createdAt
                """)
            while let row = try passwords.next() {
                secretsByApp[row["appId"], default: []].append(Self.remoteSecret(row))
            }
            return apps.map { app in
                RemoteClient(clientId: app["appId"], objectId: app["objectId"], displayName: app["displayName"],
                             secrets: secretsByApp[app["appId"]] ?? [])
            }
        }
    }

    public func client(_ reference: RemoteClientReference) async throws -> RemoteClient? {
        try access { db in try Self.fetchClient(db, appId: reference.clientId) }
    }

    public func register(displayName: String, secretLifetime: TimeInterval?) async throws -> (RemoteClient, NewSecret) {
        let now = clock.now
        let appId = profile == .entra ? UUID().uuidString.lowercased() : Self.randomIdentifier(length: 24)
        let objectId = UUID().uuidString.lowercased()
        let secret = try makeSecret(displayName: "initial", expiresAt: secretLifetime.map { now + $0 }, now: now)
        try access { db in
            try db.execute(
                sql: "INSERT INTO app(appId, objectId, displayName, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [appId, objectId, displayName, now])
            try Self.insert(secret, appId: appId, db: db)
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
        let replaced: [String] = try access { db in
            guard try Self.appExists(db, appId: reference.clientId) else {
                throw ClienteleError.identityProvider("sandbox IdP has no client \(reference.clientId)")
            }
            var replaced: [String] = []
            if profile == .oidc {
                // Like RFC 7592 providers that issue a new secret on update: the old one dies with it.
                replaced = try String.fetchAll(
                    db, sql: "SELECT keyId FROM password WHERE appId = ?", arguments: [reference.clientId])
                try db.execute(sql: "DELETE FROM password WHERE appId = ?", arguments: [reference.clientId])
            } else {
                let count = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM password WHERE appId = ?", arguments: [reference.clientId]) ?? 0
                guard count < capacity else {
                    throw ClienteleError.identityProvider(
                        "sandbox IdP: client \(reference.clientId) already holds \(count) secrets, the most it may hold")
                }
            }
            try Self.insert(secret, appId: reference.clientId, db: db)
            return replaced
        }
        return NewSecret(metadata: secret.metadata, text: secret.newSecret.text, replacedKeyIds: replaced)
    }

    public func removeSecret(_ keyId: String, from reference: RemoteClientReference) async throws {
        try access { db in
            try db.execute(sql: "DELETE FROM password WHERE keyId = ? AND appId = ?", arguments: [keyId, reference.clientId])
        }
    }

    public func deleteClient(_ reference: RemoteClientReference) async throws {
        try access { db in
            try db.execute(sql: "DELETE FROM app WHERE appId = ?", arguments: [reference.clientId])
        }
    }

    public func verify(_ secret: SecretText, for reference: RemoteClientReference) async throws -> SecretVerification {
        let now = clock.now
        let rows = try access { db in
            try Row.fetchAll(db, sql: "SELECT keyId, salt, hash, expiresAt FROM password WHERE appId = ?",
                             arguments: [reference.clientId])
                .map { (keyId: $0["keyId"] as String, salt: $0["salt"] as Data, hash: $0["hash"] as Data,
                        expiresAt: $0["expiresAt"] as Date?) }
        }
        if rows.isEmpty { return .rejected("the sandbox IdP knows no secret for client \(reference.clientId)") }
        for row in rows {
            guard Self.hash(secret, salt: row.salt) == row.hash else { continue }
            if let expiresAt = row.expiresAt, expiresAt <= now {
                return .rejected("the secret expired on \(Timestamp.iso8601(expiresAt))")
            }
            try access { db in
                try db.execute(sql: "UPDATE password SET lastUsedAt = ? WHERE keyId = ?", arguments: [now, row.keyId])
            }
            return .accepted
        }
        return .rejected("the secret does not match any secret of client \(reference.clientId)")
    }

    public func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
        let appIds = clients.map { $0.map(\.clientId) }
        let pairs = try access { db in
            let rows: [Row]
            if let appIds {
                rows = try Row.fetchAll(
                    db, sql: "SELECT keyId, lastUsedAt FROM password WHERE lastUsedAt IS NOT NULL AND appId IN (SELECT value FROM json_each(?))",
                    arguments: [String(decoding: try JSONEncoder().encode(appIds), as: UTF8.self)])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT keyId, lastUsedAt FROM password WHERE lastUsedAt IS NOT NULL")
            }
            return rows.map { ($0[0] as String, $0[1] as Date) }
        }
        return .available(lastUsed: Dictionary(pairs, uniquingKeysWith: max))
    }

    public func checkUsageAccess() async -> SecretUsageAccess {
        SecretUsageAccess(readable: true, detail: "the sandbox records each successful verification as a use")
    }

    /// Records a use of a secret at `date` (the demo's callers, and tests standing for a caller that never
    /// switched).
    public func recordUse(keyId: String, at date: Date) throws {
        try access { db in
            try db.execute(sql: "UPDATE password SET lastUsedAt = ? WHERE keyId = ?", arguments: [date, keyId])
        }
    }

    public func checkAdminAccess() async throws -> AdminAccessStatus {
        let expiresAt = try access { db in
            try Date.fetchOne(db, sql: "SELECT expiresAt FROM admin WHERE name = 'clientele'")
        }
        return AdminAccessStatus(canAct: true, credentialExpiresAt: expiresAt,
                                 detail: "sandbox IdP (\(profile.rawValue) profile) at \(stateFile)")
    }

    // MARK: - Seeding (demo)

    /// Sets when the sandbox's notional admin credential expires, so the demo shows it in the expiry report.
    public func setAdminCredentialExpiry(_ date: Date?) throws {
        try access { db in
            try db.execute(
                sql: "INSERT INTO admin(name, expiresAt) VALUES ('clientele', ?) ON CONFLICT(name) DO UPDATE SET expiresAt = excluded.expiresAt",
                arguments: [date])
        }
    }

    /// Bulk-inserts clients whose secrets nobody knows (the demo's pre-existing estate), in one transaction.
    /// Their hashes are of random bytes that were never kept, exactly like secrets issued before Clientele.
    public func seed(_ clients: [RemoteClient]) throws {
        try access { db in
            // Room for the whole seed's dirty pages until commit: with SQLite's 2 MiB default, 100k apps' inserts
            // spilled the same index pages into the WAL again and again. Back to the default after, for the console.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
            let insertApp = try db.makeStatement(
                sql: "INSERT INTO app(appId, objectId, displayName, createdAt) VALUES (?, ?, ?, ?)")
            let insertPassword = try db.makeStatement(sql: """
                INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // A seeded generator is enough here: these bytes stand for hashes, and finding a secret that hashes to
            // them is as hard however they were chosen. The system generator costs a syscall per call.
            var generator = SeededRandom(seed: UInt64(clients.count))
            for client in clients {
                try insertApp.execute(arguments: [
                    client.clientId, client.objectId ?? UUID().uuidString.lowercased(), client.displayName,
                    Timestamp.databaseText(client.secrets.map(\.createdAt).min() ?? clock.now),
                ])
                for secret in client.secrets {
                    var unknowable = Data(capacity: 32)
                    for _ in 0..<4 { withUnsafeBytes(of: generator.next()) { unknowable.append(contentsOf: $0) } }
                    try insertPassword.execute(arguments: [
                        secret.keyId, client.clientId, secret.hint, secret.displayName, Data(), unknowable,
                        Timestamp.databaseText(secret.createdAt), secret.expiresAt.map(Timestamp.databaseText),
                    ])
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

    private static func insert(_ secret: StoredSecret, appId: String, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO password(keyId, appId, hint, displayName, salt, hash, createdAt, expiresAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                secret.metadata.keyId, appId, secret.metadata.hint, secret.metadata.displayName, secret.salt,
                secret.hash, secret.metadata.createdAt, secret.metadata.expiresAt,
            ])
    }

    static func hash(_ secret: SecretText, salt: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Data(secret.reveal().utf8))
        return Data(hasher.finalize())
    }

    private static func appExists(_ db: Database, appId: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM app WHERE appId = ?)", arguments: [appId]) ?? false
    }

    private static func fetchClient(_ db: Database, appId: String) throws -> RemoteClient? {
        guard let app = try Row.fetchOne(db, sql: "SELECT * FROM app WHERE appId = ?", arguments: [appId]) else {
            return nil
        }
        let secrets = try Row.fetchAll(
            db, sql: "SELECT * FROM password WHERE appId = ? ORDER BY createdAt", arguments: [appId]
        ).map(remoteSecret)
        return RemoteClient(clientId: app["appId"], objectId: app["objectId"], displayName: app["displayName"],
                            secrets: secrets)
    }

    private static func remoteSecret(_ row: Row) -> RemoteSecret {
        RemoteSecret(keyId: row["keyId"], hint: row["hint"], displayName: row["displayName"],
                     createdAt: row["createdAt"], expiresAt: row["expiresAt"])
    }

    static func randomIdentifier(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    private func access<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try store.write(body)
        } catch let error as ClienteleError {
            throw error
        } catch {
            throw ClienteleError.identityProvider("sandbox IdP state \(stateFile): \(Registry.describe(error))")
        }
    }
}
