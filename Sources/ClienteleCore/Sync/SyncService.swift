import Foundation
import GRDB

/// Imports clients and secret metadata from an IdP and reports drift both ways. The IdP is the truth for what
/// exists; the registry keeps what only it knows (environments, owners, notes, rotation history).
public struct SyncService: Sendable {
    let registry: Registry
    let adapters: any IdentityProviderAdapters

    public init(registry: Registry, adapters: any IdentityProviderAdapters) {
        self.registry = registry
        self.adapters = adapters
    }

    public func sync(
        idp: IdentityProvider, actor: String, dryRun: Bool = false,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> SyncReport {
        let started = Date()
        let adapter = try adapters.adapter(for: idp)
        progress("asking \(idp.name) for its clients…")
        var discovered = try await adapter.discoverClients()
        let now = registry.clock.now
        let idpId = idp.id!
        if idp.kind == .gateway {
            // An app whose client id is an IdP's client carries a copy of the IdP's secret, not one of the
            // gateway's own: `gateway drift` checks that copy, and the IdP's sync tracks the secret.
            let copies = try registry.sqliteRead { db in
                // Apps once linked whose client has gone since are orphans holding a stale copy, not the gateway's.
                try Self.clientIdsOfIdentityProviders(db)
                    .union(Registry.linkedClientIds(db, gatewayId: idp.settings.gatewayId ?? -1).values)
            }
            discovered.removeAll { copies.contains($0.clientId) }
        }
        let remote = discovered
        progress("\(idp.name) lists \(remote.count) clients; comparing with the registry…")

        let plan = try registry.sqliteRead { db in try Self.compare(db, idpId: idpId, remote: remote) }
        var report = SyncReport(
            identityProvider: idp.name, clientsAtIdP: remote.count, importedClients: plan.newClients.map(\.displayName),
            secretsUnknownToRegistry: plan.unknownSecrets, secretsGoneAtIdP: plan.goneSecrets,
            clientsGoneAtIdP: plan.goneClients, expiriesUpdated: plan.changedExpiries.map(\.drift), dryRun: dryRun,
            seconds: 0)
        if !dryRun {
            try registry.sqliteWrite { db in
                let writer = try BulkWriter(db)
                let created = Timestamp.databaseText(now)
                for client in plan.newClients {
                    try writer.insert(client, identityProviderId: idpId, origin: .discovered, at: created, db: db)
                }
                for (clientRowId, secret) in plan.unknownSecretRecords {
                    try writer.insert(secret, clientRowId: clientRowId, origin: .discovered)
                }
                for (clientRowId, keyId) in plan.goneSecretKeys {
                    try SecretMetadata.markRemoved(db, clientRowId: clientRowId, keyIds: [keyId], at: now)
                }
                for change in plan.changedExpiries {
                    try db.execute(sql: "UPDATE secret SET expiresAt = ? WHERE clientRowId = ? AND keyId = ?",
                                   arguments: [change.expiresAt, change.clientRowId, change.drift.keyId])
                    try AuditTrail.append(
                        db, at: now, actor: actor, action: "sync.secret-expiry-updated",
                        subject: "client \(change.drift.client)", clientRowId: change.clientRowId,
                        details: ["idp": idp.name, "keyId": change.drift.keyId,
                                  "expires": Timestamp.iso8601(change.expiresAt)])
                }
                // The drift lists and their record lists are built side by side, one entry each per secret.
                for (drift, (clientRowId, _)) in zip(plan.unknownSecrets, plan.unknownSecretRecords) {
                    try AuditTrail.append(
                        db, at: now, actor: actor, action: "sync.secret-found-at-idp", subject: "client \(drift.client)",
                        clientRowId: clientRowId,
                        details: ["idp": idp.name, "keyId": drift.keyId, "hint": drift.hint,
                                  "interruptedRotation": String(drift.fromInterruptedRotation)])
                }
                for (drift, (clientRowId, _)) in zip(plan.goneSecrets, plan.goneSecretKeys) {
                    try AuditTrail.append(
                        db, at: now, actor: actor, action: "sync.secret-gone-at-idp", subject: "client \(drift.client)",
                        clientRowId: clientRowId,
                        details: ["idp": idp.name, "keyId": drift.keyId])
                }
                try AuditTrail.append(
                    db, at: now, actor: actor, action: "sync.completed", subject: "idp \(idp.name)",
                    details: ["clientsAtIdP": String(remote.count), "imported": String(plan.newClients.count),
                              "secretsFound": String(plan.unknownSecrets.count),
                              "secretsGone": String(plan.goneSecrets.count),
                              "clientsGone": String(plan.goneClients.count)])
            }
        }
        if !dryRun { report.usageNote = await SecretUsageReader(registry: registry).refresh(idp, adapter: adapter) }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    struct Plan {
        var newClients: [RemoteClient] = []
        var unknownSecrets: [SyncReport.SecretDrift] = []
        var unknownSecretRecords: [(Int64, RemoteSecret)] = []
        var goneSecrets: [SyncReport.SecretDrift] = []
        var goneSecretKeys: [(Int64, String)] = []
        var goneClients: [String] = []
        var changedExpiries: [(drift: SyncReport.SecretDrift, clientRowId: Int64, expiresAt: Date)] = []
    }

    /// The client ids of every client issued by an IdP proper (not by a gateway holding its own secrets).
    static func clientIdsOfIdentityProviders(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: """
            SELECT client.clientId FROM client JOIN identityProvider ON identityProvider.id = client.identityProviderId
            WHERE identityProvider.kind <> 'gateway'
            """))
    }

    static func compare(_ db: Database, idpId: Int64, remote: [RemoteClient]) throws -> Plan {
        var plan = Plan()
        let known = try Client.filter(Column("identityProviderId") == idpId).fetchAll(db)
        let byClientId = Dictionary(known.map { ($0.clientId, $0) }, uniquingKeysWith: { first, _ in first })
        var secretsByClient: [Int64: [SecretMetadata]] = [:]
        for secret in try SecretMetadata
            .filter(sql: "clientRowId IN (SELECT id FROM client WHERE identityProviderId = ?)", arguments: [idpId])
            .fetchAll(db)
        {
            secretsByClient[secret.clientRowId, default: []].append(secret)
        }
        let remoteIds = Set(remote.map(\.clientId))
        for client in remote {
            guard let record = byClientId[client.clientId] else {
                plan.newClients.append(client)
                continue
            }
            let recorded = secretsByClient[record.id!] ?? []
            let live = Dictionary(recorded.filter { $0.state != .removed }.map { ($0.keyId, $0) },
                                  uniquingKeysWith: { first, _ in first })
            let remoteKeys = Set(client.secrets.map(\.keyId))
            // Only a date the IdP states replaces the recorded one; a second's difference is rounding, not news.
            for secret in client.secrets {
                guard let known = live[secret.keyId], let stated = secret.expiresAt,
                    known.expiresAt.map({ abs($0.timeIntervalSince(stated)) >= 1 }) ?? true
                else { continue }
                plan.changedExpiries.append(
                    (SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false), record.id!, stated))
            }
            for secret in client.secrets where live[secret.keyId] == nil {
                plan.unknownSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName,
                        fromInterruptedRotation: secret.displayName.hasPrefix("clientele rotation #")))
                plan.unknownSecretRecords.append((record.id!, secret))
            }
            // A pending secret belongs to a rotation in flight; the rotation, not sync, decides its fate.
            for secret in live.values where !remoteKeys.contains(secret.keyId) && secret.state != .pending {
                plan.goneSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false))
                plan.goneSecretKeys.append((record.id!, secret.keyId))
            }
        }
        plan.goneClients = known.filter { !remoteIds.contains($0.clientId) }.map(\.displayName).sorted()
        return plan
    }
}
