import Foundation

/// What one page of an IdP's listing changes in the registry: clients it did not have, secrets it did not know,
/// and expiries the IdP states differently. Plain values and no store, so the same comparison serves either engine
/// and runs in tests alone. What is gone is decided once the whole listing is in (`SyncLedger.goneSide`).
struct SyncPlan {
    var newClients: [RemoteClient] = []
    var unknownSecrets: [SyncReport.SecretDrift] = []
    var unknownSecretRecords: [(Int64, RemoteSecret)] = []
    var changedExpiries: [(drift: SyncReport.SecretDrift, clientRowId: Int64, expiresAt: Date)] = []

    var isEmpty: Bool { newClients.isEmpty && unknownSecretRecords.isEmpty && changedExpiries.isEmpty }

    /// This page's changes, then the next page's, to be recorded in one transaction.
    func followed(by next: SyncPlan) -> SyncPlan {
        SyncPlan(
            newClients: newClients + next.newClients, unknownSecrets: unknownSecrets + next.unknownSecrets,
            unknownSecretRecords: unknownSecretRecords + next.unknownSecretRecords,
            changedExpiries: changedExpiries + next.changedExpiries)
    }
}

/// The secrets the registry lists that the IdP no longer has, and the clients it no longer lists.
struct SyncGoneSide {
    var goneSecrets: [SyncReport.SecretDrift] = []
    var goneSecretKeys: [(Int64, String)] = []
    var goneClients: [String] = []
}
