import Foundation
import GRDB
import Testing
@testable import ClienteleCore

/// Each record's positional reading and writing agrees with GRDB's Codable encoding, which wrote every registry
/// row so far: a registry from before the store moved onto `StoreTransaction` reads back unchanged, and rows the
/// store writes read back through GRDB the same.
@Suite struct StoredRecordTests {
    @Test func everyRecordReadsAndWritesAsGRDBDoes() async throws {
        let (registry, directory) = try await ConsoleClientRowsTests.demo(clients: 300)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // What the demo does not hold.
        _ = try registry.addNotifyWebhook(team: "payments", url: "https://hooks.example/x", format: .slack, actor: "t")
        let idp = try #require(try registry.identityProviders().first)
        _ = try registry.setRotationPolicy(
            RotationPolicyRequest(scope: .identityProvider(idp.name), rotateBefore: .days(30), maxAge: .days(300),
                                  grace: .days(2), secretCommand: "true"), actor: "t")
        let counts = try registry.sqliteWrite { db -> [String: Int] in
            let transaction = SQLiteTransaction(db)
            return [
                "client": try Self.agree(Client.self, db, transaction),
                "secret": try Self.agree(SecretMetadata.self, db, transaction),
                "identityProvider": try Self.agree(IdentityProvider.self, db, transaction),
                "environment": try Self.agree(Environment.self, db, transaction),
                "policyAssignment": try Self.agree(PolicyAssignment.self, db, transaction),
                "gateway": try Self.agree(Gateway.self, db, transaction),
                "gatewayApp": try Self.agree(GatewayApp.self, db, transaction),
                "rotation": try Self.agree(Rotation.self, db, transaction),
                "gatewayApi": try Self.agree(GatewayAPIRecord.self, db, transaction),
                "notifyWebhook": try Self.agree(NotifyWebhook.self, db, transaction),
                "policyApply": try Self.agree(PolicyApply.self, db, transaction),
                "rotationPolicy": try Self.agree(RotationPolicy.self, db, transaction),
            ]
        }
        for (table, count) in counts { #expect(count > 0, "the demo holds no \(table) row to compare") }
    }

    @Test func aRotationWrittenByTheStoreReadsBackThroughGRDB() async throws {
        let (registry, directory) = try await ConsoleClientRowsTests.demo(clients: 20)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let holder = LeaseHolder.current
        try registry.sqliteWrite { db in
            let transaction = SQLiteTransaction(db)
            let clientRowId = try #require(try transaction.int64("SELECT min(id) FROM client"))
            let now = Date(timeIntervalSince1970: 1_795_000_000.125)
            var rotation = Rotation(
                clientRowId: clientRowId, step: .grace, runningStep: .verified, retiringKeyIds: ["a", "b"],
                newKeyId: "k", newSecretDisplayName: "clientele", overlap: true, graceSeconds: 60, graceUntil: now,
                lifetimeSeconds: nil, delivery: .file(path: "/tmp/x"), verification: nil, actor: "me",
                failureReason: nil, lastError: "boom", leaseOwner: "o", leaseUntil: now, leaseHolder: holder,
                createdAt: now, updatedAt: now, deliveredAt: now, graceExtendedSeconds: 5, heldKeyId: "a",
                heldLastUsedAt: now, graceEndedByOperator: true, rotationPolicyId: nil)
            try transaction.insert(&rotation)
            let viaGRDB = try #require(try Rotation.fetchOne(db, key: rotation.id))
            #expect(viaGRDB == rotation)
        }
    }

    private static func agree<R: StoredRecord & FetchableRecord & MutablePersistableRecord & Equatable>(
        _ type: R.Type, _ db: Database, _ transaction: SQLiteTransaction
    ) throws -> Int {
        let viaGRDB = try R.order(Column("id")).fetchAll(db)
        let viaStore = try transaction.records(R.self, "ORDER BY id")
        #expect(viaStore == viaGRDB, "\(R.table) reads differently")
        for record in viaStore { try transaction.update(record) }
        let rewritten = try R.order(Column("id")).fetchAll(db)
        #expect(rewritten == viaGRDB, "\(R.table) writes differently")
        return viaStore.count
    }
}
