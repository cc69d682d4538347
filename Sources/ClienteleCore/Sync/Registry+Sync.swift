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

    /// What the registry records of this IdP's clients and their secrets, read in one transaction: what a sync
    /// compares each page of the IdP's listing with.
    func syncLedger(identityProviderId: Int64) throws -> SyncLedger {
        try read { transaction in
            let idp: [StoreValue] = [.integer(identityProviderId)]
            let known = try transaction.records(Client.self, "WHERE identityProviderId = ?", idp)
            let secrets = try transaction.records(
                SecretMetadata.self, "WHERE clientRowId IN (SELECT id FROM client WHERE identityProviderId = ?)", idp)
            return SyncLedger(clients: known, secrets: secrets)
        }
    }

    /// Records the changes of the pages up to `throughPage` in one transaction with their audit events, and
    /// returns the row ids of the clients it imported by client id. With `completing`, the same transaction also
    /// marks what is gone and closes the sync (`sync.completed`): a listing of one page is recorded exactly as a
    /// whole sync always was. Pages recorded before the last say in the trail what they imported
    /// (`sync.clients-imported`), so clients a killed sync left behind are never unaudited; the next sync finds
    /// them recorded and imports the rest.
    func recordSyncPage(
        _ plan: SyncPlan, throughPage page: Int, identityProvider idp: IdentityProvider, completing: SyncCompletion?, at now: Date,
        actor: String
    ) throws -> [String: Int64] {
        if plan.isEmpty && completing == nil { return [:] }
        let idpId = idp.id!
        return try write { transaction in
            let writer = BulkWriter(transaction)
            let rowIds = try writer.insert(plan.newClients, identityProviderId: idpId, origin: .discovered, at: now)
            try writer.insert(plan.unknownSecretRecords.map { (clientRowId: $0.0, secret: $0.1) }, origin: .discovered)
            if let completing {
                for (clientRowId, keyId) in completing.gone.goneSecretKeys {
                    try SecretMetadata.markRemoved(transaction, clientRowId: clientRowId, keyIds: [keyId], at: now)
                }
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
            guard let completing else {
                if !plan.newClients.isEmpty {
                    try AuditTrail.append(
                        transaction, at: now, actor: actor, action: "sync.clients-imported", subject: "idp \(idp.name)",
                        details: ["idp": idp.name, "throughPage": String(page), "imported": String(plan.newClients.count)])
                }
                return rowIds
            }
            for (drift, (clientRowId, _)) in zip(completing.gone.goneSecrets, completing.gone.goneSecretKeys) {
                try AuditTrail.append(
                    transaction, at: now, actor: actor, action: "sync.secret-gone-at-idp",
                    subject: "client \(drift.client)", clientRowId: clientRowId,
                    details: ["idp": idp.name, "keyId": drift.keyId])
            }
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "sync.completed", subject: "idp \(idp.name)",
                details: ["clientsAtIdP": String(completing.clientsAtIdP), "imported": String(completing.imported),
                          "secretsFound": String(completing.secretsFound),
                          "secretsGone": String(completing.gone.goneSecrets.count),
                          "clientsGone": String(completing.gone.goneClients.count)])
            return rowIds
        }
    }
}

/// What the transaction that closes a sync records besides its last page: the gone side, and the run's totals.
struct SyncCompletion {
    var gone: SyncGoneSide
    var clientsAtIdP: Int
    var imported: Int
    var secretsFound: Int
}
