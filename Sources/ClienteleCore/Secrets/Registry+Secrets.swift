import Foundation

extension Registry {
    /// A client's secrets not yet removed, soonest expiry first, and its rotation in progress if any: what a
    /// removal is checked against.
    func secretsNotRemoved(ofClient clientRowId: Int64) throws -> (secrets: [SecretMetadata], openRotation: Rotation?) {
        try read { transaction in
            let client: [StoreValue] = [.integer(clientRowId)]
            return (try transaction.records(
                        SecretMetadata.self, "WHERE clientRowId = ? AND state <> 'removed' ORDER BY expiresAt, id", client),
                    try transaction.record(
                        Rotation.self, "WHERE clientRowId = ? AND \(Self.rotationInProgress) ORDER BY id", client))
        }
    }

    /// Records a secret removed at its IdP, with its audit event.
    func recordSecretRemoved(_ removed: SecretRemoval.Preview, actor: String) throws {
        let now = clock.now
        try write { transaction in
            try SecretMetadata.markRemoved(transaction, clientRowId: removed.client.id!, keyIds: [removed.secret.keyId], at: now)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "secret.removed", client: removed.client,
                details: ["keyId": removed.secret.keyId, "hint": removed.secret.hint,
                          "idp": removed.identityProvider.name, "remainingLive": String(removed.remainingLive)])
        }
    }
}

extension SecretMetadata {
    /// Marks secrets removed (once: a removal already recorded keeps its date).
    static func markRemoved(_ transaction: StoreTransaction, clientRowId: Int64, keyIds: [String], at now: Date) throws {
        for keyId in keyIds {
            try transaction.execute(
                "UPDATE secret SET state = 'removed', removedAt = ?, graceUntil = NULL WHERE clientRowId = ? AND keyId = ? AND state <> 'removed'",
                now, clientRowId, keyId)
        }
    }
}
