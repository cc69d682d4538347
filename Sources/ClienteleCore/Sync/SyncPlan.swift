import Foundation

/// What a sync changes in the registry, worked out from what the registry records of an IdP's clients and what
/// the IdP lists: plain values and no store, so the same comparison serves either engine and runs in tests alone.
struct SyncPlan {
    var newClients: [RemoteClient] = []
    var unknownSecrets: [SyncReport.SecretDrift] = []
    var unknownSecretRecords: [(Int64, RemoteSecret)] = []
    var goneSecrets: [SyncReport.SecretDrift] = []
    var goneSecretKeys: [(Int64, String)] = []
    var goneClients: [String] = []
    var changedExpiries: [(drift: SyncReport.SecretDrift, clientRowId: Int64, expiresAt: Date)] = []

    /// `known` are the IdP's clients in the registry and `secrets` theirs; `remote` is what the IdP lists.
    init(known: [Client], secrets: [SecretMetadata], remote: [RemoteClient]) {
        let byClientId = Dictionary(known.map { ($0.clientId, $0) }, uniquingKeysWith: { first, _ in first })
        var secretsByClient: [Int64: [SecretMetadata]] = [:]
        for secret in secrets { secretsByClient[secret.clientRowId, default: []].append(secret) }
        let remoteIds = Set(remote.map(\.clientId))
        for client in remote {
            guard let record = byClientId[client.clientId] else {
                newClients.append(client)
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
                changedExpiries.append(
                    (SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false), record.id!, stated))
            }
            for secret in client.secrets where live[secret.keyId] == nil {
                unknownSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName,
                        fromInterruptedRotation: secret.displayName.hasPrefix("clientele rotation #")))
                unknownSecretRecords.append((record.id!, secret))
            }
            // A pending secret belongs to a rotation in flight; the rotation, not sync, decides its fate.
            for secret in live.values where !remoteKeys.contains(secret.keyId) && secret.state != .pending {
                goneSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false))
                goneSecretKeys.append((record.id!, secret.keyId))
            }
        }
        goneClients = known.filter { !remoteIds.contains($0.clientId) }.map(\.displayName).sorted()
    }
}
