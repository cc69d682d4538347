import Foundation

/// What the registry records of one IdP's clients while a sync runs: read once before the listing, then kept up to
/// date with each page the sync writes, so a page is compared without reading the registry again, and a client the
/// IdP lists twice (a page boundary that moved while it was listed) is recorded once.
struct SyncLedger {
    private struct Known {
        var rowId: Int64?
        var displayName: String
        var clientId: String
    }

    private struct Secret {
        var hint: String
        var displayName: String
        var expiresAt: Date?
        var state: SecretState
    }

    /// By client id: the registry's clients, and those this sync has planned to import (no row id until written).
    private var known: [String: Known]
    /// By client row id, then key id: secrets not removed.
    private var live: [Int64: [String: Secret]] = [:]
    private let recordedAtStart: [Known]
    /// The key ids listed for each client id, over every page, and the client ids in the order first listed.
    private var listedKeys: [String: Set<String>] = [:]
    private var listedOrder: [String] = []

    /// How many distinct clients the IdP has listed so far.
    var clientsListed: Int { listedOrder.count }

    /// `clients` are the IdP's clients in the registry and `secrets` theirs.
    init(clients: [Client], secrets: [SecretMetadata]) {
        var known: [String: Known] = [:]
        for client in clients where known[client.clientId] == nil {
            known[client.clientId] = Known(rowId: client.id, displayName: client.displayName, clientId: client.clientId)
        }
        self.known = known
        recordedAtStart = clients.map { Known(rowId: $0.id, displayName: $0.displayName, clientId: $0.clientId) }
        for secret in secrets where secret.state != .removed && live[secret.clientRowId]?[secret.keyId] == nil {
            live[secret.clientRowId, default: [:]][secret.keyId] = Secret(
                hint: secret.hint, displayName: secret.displayName, expiresAt: secret.expiresAt, state: secret.state)
        }
    }

    /// What `page` changes, given every page before it; the ledger counts the plan as recorded.
    mutating func plan(page: [RemoteClient]) -> SyncPlan {
        var plan = SyncPlan()
        for client in page {
            if listedKeys[client.clientId] == nil { listedOrder.append(client.clientId) }
            listedKeys[client.clientId, default: []].formUnion(client.secrets.map(\.keyId))
            guard let record = known[client.clientId] else {
                plan.newClients.append(client)
                known[client.clientId] = Known(rowId: nil, displayName: client.displayName, clientId: client.clientId)
                continue
            }
            // Listed again before its row was written (twice in one page): the first listing is the one recorded.
            guard let rowId = record.rowId else { continue }
            var secrets = live[rowId] ?? [:]
            // Only a date the IdP states replaces the recorded one; a second's difference is rounding, not news.
            for secret in client.secrets {
                guard let recorded = secrets[secret.keyId], let stated = secret.expiresAt,
                    recorded.expiresAt.map({ abs($0.timeIntervalSince(stated)) >= 1 }) ?? true
                else { continue }
                plan.changedExpiries.append(
                    (SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false), rowId, stated))
                secrets[secret.keyId]?.expiresAt = stated
            }
            for secret in client.secrets where secrets[secret.keyId] == nil {
                plan.unknownSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: secret.keyId, hint: secret.hint,
                        displayName: secret.displayName,
                        fromInterruptedRotation: secret.displayName.hasPrefix("clientele rotation #")))
                plan.unknownSecretRecords.append((rowId, secret))
                secrets[secret.keyId] = Secret(
                    hint: secret.hint, displayName: secret.displayName, expiresAt: secret.expiresAt, state: .active)
            }
            live[rowId] = secrets
        }
        return plan
    }

    /// The row ids the registry gave the clients a page's plan imported, by client id.
    mutating func imported(_ clients: [RemoteClient], rowIds: [String: Int64]) {
        for client in clients {
            guard let rowId = rowIds[client.clientId] else { continue }
            known[client.clientId]?.rowId = rowId
            var secrets: [String: Secret] = [:]
            for secret in client.secrets where secrets[secret.keyId] == nil {
                secrets[secret.keyId] = Secret(
                    hint: secret.hint, displayName: secret.displayName, expiresAt: secret.expiresAt, state: .active)
            }
            live[rowId] = secrets
        }
    }

    /// Once the whole listing is in: the secrets recorded for a listed client that no page listed, and the clients
    /// recorded before the sync that no page listed.
    func goneSide() -> SyncGoneSide {
        var gone = SyncGoneSide()
        for clientId in listedOrder {
            guard let record = known[clientId], let rowId = record.rowId, let listed = listedKeys[clientId] else { continue }
            // A pending secret belongs to a rotation in flight; the rotation, not sync, decides its fate.
            for (keyId, secret) in live[rowId] ?? [:] where !listed.contains(keyId) && secret.state != .pending {
                gone.goneSecrets.append(
                    SyncReport.SecretDrift(
                        client: record.displayName, clientId: record.clientId, keyId: keyId, hint: secret.hint,
                        displayName: secret.displayName, fromInterruptedRotation: false))
                gone.goneSecretKeys.append((rowId, keyId))
            }
        }
        gone.goneClients = recordedAtStart.filter { listedKeys[$0.clientId] == nil }.map(\.displayName).sorted()
        return gone
    }
}
