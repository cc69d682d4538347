import Foundation

extension Registry {
    /// The client ids whose secret a gateway's app only holds a copy of: every client an IdP proper issued (not a
    /// gateway holding its own secrets), and those once linked to one of this gateway's apps.
    func clientIdsHeldAsCopies(byGateway gatewayId: Int64) throws -> Set<String> {
        try read { transaction in
            let issued = try transaction.strings("""
                SELECT client.clientId FROM client JOIN identityProvider ON identityProvider.id = client.identityProviderId
                WHERE identityProvider.kind <> 'gateway'
                """)
            let linked = try Self.linkedClientIds(transaction, gatewayId: gatewayId)
            return Set(issued).union(linked.values)
        }
    }

    /// What a sync of this IdP would change, given the clients it lists: the registry's side read in one
    /// transaction, then compared.
    func syncPlan(identityProviderId: Int64, remote: [RemoteClient]) throws -> SyncPlan {
        try read { transaction in
            let idp: [StoreValue] = [.integer(identityProviderId)]
            let known = try transaction.records(Client.self, "WHERE identityProviderId = ?", idp)
            let secrets = try transaction.records(
                SecretMetadata.self, "WHERE clientRowId IN (SELECT id FROM client WHERE identityProviderId = ?)", idp)
            return SyncPlan(known: known, secrets: secrets, remote: remote)
        }
    }

    /// Records what a sync found, in one transaction with its audit events.
    func applySyncPlan(
        _ plan: SyncPlan, identityProvider idp: IdentityProvider, clientsAtIdP: Int, at now: Date, actor: String
    ) throws {
        let idpId = idp.id!
        try write { transaction in
            let writer = BulkWriter(transaction)
            for client in plan.newClients {
                try writer.insert(client, identityProviderId: idpId, origin: .discovered, at: now)
            }
            for (clientRowId, secret) in plan.unknownSecretRecords {
                try writer.insert(secret, clientRowId: clientRowId, origin: .discovered)
            }
            for (clientRowId, keyId) in plan.goneSecretKeys {
                try SecretMetadata.markRemoved(transaction, clientRowId: clientRowId, keyIds: [keyId], at: now)
            }
            for change in plan.changedExpiries {
                try transaction.execute("UPDATE secret SET expiresAt = ? WHERE clientRowId = ? AND keyId = ?",
                                        change.expiresAt, change.clientRowId, change.drift.keyId)
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "sync.secret-expiry-updated",
                    subject: "client \(change.drift.client)", clientRowId: change.clientRowId,
                    details: ["idp": idp.name, "keyId": change.drift.keyId,
                              "expires": Timestamp.iso8601(change.expiresAt)])
            }
            // The drift lists and their record lists are built side by side, one entry each per secret.
            for (drift, (clientRowId, _)) in zip(plan.unknownSecrets, plan.unknownSecretRecords) {
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "sync.secret-found-at-idp",
                    subject: "client \(drift.client)", clientRowId: clientRowId,
                    details: ["idp": idp.name, "keyId": drift.keyId, "hint": drift.hint,
                              "interruptedRotation": String(drift.fromInterruptedRotation)])
            }
            for (drift, (clientRowId, _)) in zip(plan.goneSecrets, plan.goneSecretKeys) {
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "sync.secret-gone-at-idp",
                    subject: "client \(drift.client)", clientRowId: clientRowId,
                    details: ["idp": idp.name, "keyId": drift.keyId])
            }
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "sync.completed", subject: "idp \(idp.name)",
                details: ["clientsAtIdP": String(clientsAtIdP), "imported": String(plan.newClients.count),
                          "secretsFound": String(plan.unknownSecrets.count),
                          "secretsGone": String(plan.goneSecrets.count),
                          "clientsGone": String(plan.goneClients.count)])
        }
    }
}
