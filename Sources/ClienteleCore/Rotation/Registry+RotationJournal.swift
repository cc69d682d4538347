import Foundation

extension Registry {
    /// Records one step of rotation `rotationId` in one transaction: the change `change` makes (which answers its
    /// audit details), `secrets`, and with `action` an audit event. Fenced: the transaction first extends
    /// `leaseOwner`'s lease by `leaseTerm`, and answers nil having written nothing when another process holds it.
    /// Re-run on a fresh session if PostgreSQL's was lost before COMMIT: the step is a function of the rotation it
    /// reads.
    func recordRotationStep(
        _ rotationId: Int64, leaseOwner: String, leaseTerm: LeaseTerm, at now: Date, action: String?, actor: String,
        secrets: [RotationSecretChange], _ change: (inout Rotation, Date) throws -> [String: String]?
    ) throws -> Rotation? {
        try write(rerunIfLost: true) { transaction in
            // The compare-and-set that fences the write: extending our own lease succeeds only while we hold it.
            guard try Self.renewLease(transaction, .rotation(rotationId), owner: leaseOwner, term: leaseTerm) else {
                return nil
            }
            guard var rotation = try transaction.record(Rotation.self, id: rotationId) else {
                throw ClienteleError.notFound("no rotation #\(rotationId)")
            }
            let details = try change(&rotation, now)
            rotation.updatedAt = now
            try transaction.update(rotation)
            for secretChange in secrets {
                try Self.apply(secretChange, clientRowId: rotation.clientRowId, transaction)
            }
            if let action {
                guard let client = try transaction.record(Client.self, id: rotation.clientRowId) else {
                    throw ClienteleError.notFound("no client #\(rotation.clientRowId) for rotation #\(rotationId)")
                }
                var allDetails = details ?? [:]
                allDetails["rotation"] = String(rotationId)
                try AuditTrail.append(transaction, at: now, actor: actor.isEmpty ? rotation.actor : actor,
                                      action: action, client: client, details: allDetails)
            }
            return rotation
        }
    }

    private static func apply(_ change: RotationSecretChange, clientRowId: Int64, _ transaction: StoreTransaction) throws {
        switch change {
        case .recordNew(let secret):
            try transaction.execute(recordNewSecretSQL, try secret.storedValues)
        case .activate(let keyId):
            try transaction.execute(
                "UPDATE secret SET state = 'active' WHERE clientRowId = ? AND keyId = ?", clientRowId, keyId)
        case .startGrace(let keyIds, let until):
            for keyId in keyIds {
                try transaction.execute(
                    "UPDATE secret SET state = 'grace', graceUntil = ? WHERE clientRowId = ? AND keyId = ? AND state <> 'removed'",
                    until, clientRowId, keyId)
            }
        case .holdGrace(let keyIds, let until):
            for keyId in keyIds {
                try transaction.execute(
                    "UPDATE secret SET graceUntil = ? WHERE clientRowId = ? AND keyId = ? AND state = 'grace'",
                    until, clientRowId, keyId)
            }
        case .markRemoved(let keyIds, let at):
            try SecretMetadata.markRemoved(transaction, clientRowId: clientRowId, keyIds: keyIds, at: at)
        }
    }

    /// A new secret's record, replacing one of the same key: every column takes the new value, as the
    /// replace-on-conflict insert it took over from did (the row keeps its id).
    private static let recordNewSecretSQL: String = {
        let written = SecretMetadata.columns.dropFirst()
        let updated = written.filter { $0 != "clientRowId" && $0 != "keyId" }
        return """
            INSERT INTO secret(\(written.joined(separator: ", "))) VALUES (\(written.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT(clientRowId, keyId) DO UPDATE SET \(updated.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            """
    }()
}
