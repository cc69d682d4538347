import Foundation
import GRDB

/// The registry's one migrator. Migrations are named and never edited once shipped: a change is a new migration.
enum RegistrySchema {
    /// Bumped with each migration; stored in `PRAGMA user_version` so the sqlite3 shell shows it too.
    static let version = 9

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: registry") { db in
            try db.create(table: "registryInfo") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "identityProvider") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("kind", .text).notNull().check(sql: "kind IN ('entra', 'oidc', 'sandbox')")
                t.column("settings", .jsonText).notNull()
                t.column("credentialSource", .jsonText).notNull()
                t.column("adminCredentialExpiresAt", .datetime)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "environment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("businessGroup", .text)
                t.column("gateway", .text).notNull().check(sql: "gateway IN ('anypoint', 'kong', 'tyk', 'none')")
                t.column("position", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "client") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("identityProvider", onDelete: .restrict).notNull()
                t.column("displayName", .text).notNull()
                t.column("clientId", .text).notNull()
                t.column("objectId", .text)
                t.column("ownerTeam", .text)
                t.column("contact", .text)
                t.column("notes", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["identityProviderId", "clientId"])
            }
            try db.create(index: "client_on_displayName", on: "client", columns: ["displayName"])
            try db.create(index: "client_on_clientId", on: "client", columns: ["clientId"])
            try db.create(table: "clientEnvironment") { t in
                t.column("clientRowId", .integer).notNull().references("client", onDelete: .cascade)
                t.column("environmentId", .integer).notNull().references("environment", onDelete: .cascade)
                t.primaryKey(["clientRowId", "environmentId"])
            }
            try db.create(index: "clientEnvironment_on_environmentId", on: "clientEnvironment",
                          columns: ["environmentId"])
            try db.create(table: "secret") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("clientRowId", .integer).notNull().references("client", onDelete: .cascade)
                t.column("keyId", .text).notNull()
                t.column("hint", .text).notNull()
                t.column("displayName", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
                t.column("state", .text).notNull().check(sql: "state IN ('pending', 'active', 'grace', 'removed')")
                t.column("graceUntil", .datetime)
                t.column("origin", .text).notNull()
                t.column("removedAt", .datetime)
                t.uniqueKey(["clientRowId", "keyId"])
            }
            // The expiry report reads secrets in service by date; a partial index keeps retired rows out of it.
            try db.execute(sql: """
                CREATE INDEX secret_in_service_by_expiry ON secret(expiresAt)
                WHERE state IN ('active', 'pending')
                """)
            try db.create(index: "secret_on_clientRowId", on: "secret", columns: ["clientRowId"])
            try db.create(table: "policyAssignment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("environment", onDelete: .cascade).notNull()
                t.column("policy", .text).notNull()
                t.column("api", .text).notNull().defaults(to: "")
                t.column("configuration", .jsonText).notNull()
                t.column("position", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.uniqueKey(["environmentId", "policy", "api"])
            }
            try db.create(table: "rotation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("clientRowId", .integer).notNull().references("client", onDelete: .cascade)
                t.column("step", .text).notNull()
                t.column("runningStep", .text)
                t.column("retiringKeyIds", .jsonText).notNull()
                t.column("newKeyId", .text)
                t.column("newSecretDisplayName", .text).notNull()
                t.column("overlap", .boolean).notNull()
                t.column("graceSeconds", .integer).notNull()
                t.column("graceUntil", .datetime)
                t.column("lifetimeSeconds", .integer)
                t.column("delivery", .jsonText).notNull()
                t.column("verification", .text)
                t.column("actor", .text).notNull()
                t.column("failureReason", .text)
                t.column("lastError", .text)
                t.column("leaseOwner", .text)
                t.column("leaseUntil", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            // One open rotation per client: two would fight over which secret to retire.
            try db.execute(sql: """
                CREATE UNIQUE INDEX rotation_one_open_per_client ON rotation(clientRowId)
                WHERE step NOT IN ('done', 'failed')
                """)
            try db.create(index: "rotation_on_step", on: "rotation", columns: ["step"])
            try db.create(table: "auditEvent") { t in
                t.primaryKey("id", .integer)
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("details", .text).notNull()
                t.column("previousHash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration("v2: audit events name their client") { db in
            // No foreign key: the trail outlives the client (`client.deleted` is written as its row goes), and
            // client ids are AUTOINCREMENT, never reused, so a deleted client's events cannot come to name another.
            try db.alter(table: "auditEvent") { t in t.add(column: "clientRowId", .integer) }
            try db.create(index: "auditEvent_on_clientRowId", on: "auditEvent", columns: ["clientRowId", "id"])
            try AuditClientBackfill.run(db)
            try AuditTrail.startHashingClientRowIds(db)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("v3: rotation leases name their process") { db in
            // The owner token becomes random per claim; who holds it (host, pid, start time, boot, pid namespace)
            // is recorded beside it so a holder can be proven gone. A lease written by v1 ("host:pid:token") has
            // no holder recorded and is simply left to lapse.
            try db.alter(table: "rotation") { t in t.add(column: "leaseHolder", .jsonText) }
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        migrator.registerMigration("v4: gateways") { db in
            try db.create(table: "gateway") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("kind", .text).notNull().check(sql: "kind IN ('anypoint', 'kong', 'tyk')")
                t.column("settings", .jsonText).notNull()
                t.column("credentialSource", .jsonText).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            // Environments keep the gateway kind they named; binding one to a gateway makes it that gateway's kind.
            try db.alter(table: "environment") { t in
                t.add(column: "gatewayId", .integer).references("gateway", onDelete: .restrict)
                t.add(column: "gatewayEnvironment", .text)
            }
            try db.create(table: "gatewayApi") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("gatewayId", .integer).notNull().references("gateway", onDelete: .cascade)
                t.column("environmentId", .integer).notNull().references("environment", onDelete: .cascade)
                t.column("remoteId", .text).notNull()
                t.column("name", .text).notNull()
                t.column("detail", .text).notNull()
                t.column("syncedAt", .datetime).notNull()
                t.uniqueKey(["environmentId", "remoteId"])
            }
            // What each environment's gateway ran when last read (sync, drift, apply): the console's matrix shows
            // it without asking the gateway on every frame.
            try db.create(table: "gatewayObservation") { t in
                t.primaryKey("environmentId", .integer).references("environment", onDelete: .cascade)
                t.column("gatewayId", .integer).notNull().references("gateway", onDelete: .cascade)
                t.column("observedAt", .datetime).notNull()
                t.column("elements", .jsonText).notNull()
                t.column("apiCount", .integer).notNull()
                t.column("error", .text)
            }
            // An apply in progress, step by step, fenced by a lease exactly like a rotation.
            try db.create(table: "policyApply") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("environmentId", .integer).notNull().references("environment", onDelete: .cascade)
                t.column("gatewayId", .integer).notNull().references("gateway", onDelete: .cascade)
                t.column("state", .text).notNull().check(sql: "state IN ('running', 'done', 'failed')")
                t.column("actor", .text).notNull()
                t.column("lastError", .text)
                // What the registry wanted at the gateway when the apply finished: telling a change made at the
                // gateway since (drift) from one made in the registry since (pending) needs no clock.
                t.column("appliedElements", .jsonText)
                t.column("leaseOwner", .text)
                t.column("leaseUntil", .datetime)
                t.column("leaseHolder", .jsonText)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.execute(sql: """
                CREATE UNIQUE INDEX policyApply_one_open_per_environment ON policyApply(environmentId)
                WHERE state = 'running'
                """)
            // One row per step, so recording a step's progress writes that row, not the whole plan again.
            try db.create(table: "policyApplyStep") { t in
                t.column("applyId", .integer).notNull().references("policyApply", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("step", .jsonText).notNull()
                t.column("state", .text).notNull().check(sql: "state IN ('pending', 'running', 'done')")
                t.column("remoteId", .text)
                t.primaryKey(["applyId", "position"])
            }
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        migrator.registerMigration("v5: gateway client apps") { db in
            // A gateway becomes an IdP-like holder of the secrets it validates itself. SQLite cannot widen a CHECK
            // in place, so the table is rebuilt (the migrator defers foreign key checks to the end).
            try db.create(table: "identityProviderV5") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("kind", .text).notNull()
                    .check(sql: "kind IN ('entra', 'oidc', 'sandbox', 'gateway')")
                t.column("settings", .jsonText).notNull()
                t.column("credentialSource", .jsonText).notNull()
                t.column("adminCredentialExpiresAt", .datetime)
                t.column("createdAt", .datetime).notNull()
            }
            try db.execute(sql: """
                INSERT INTO identityProviderV5 (id, name, kind, settings, credentialSource, adminCredentialExpiresAt, createdAt)
                SELECT id, name, kind, settings, credentialSource, adminCredentialExpiresAt, createdAt FROM identityProvider
                """)
            try db.drop(table: "identityProvider")
            try db.rename(table: "identityProviderV5", to: "identityProvider")
            try db.create(table: "gatewayApp") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("gatewayId", .integer).notNull().references("gateway", onDelete: .cascade)
                t.column("remoteId", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("app", .jsonText).notNull()
                t.column("findings", .jsonText).notNull()
                // The client id it was last linked to an IdP client by: an app whose client is later deleted
                // (at the IdP or with `client delete`) stays an orphan, not a secret of the gateway's own.
                t.column("linkedClientId", .text)
                t.column("checkedAt", .datetime)
                t.column("syncedAt", .datetime).notNull()
                t.uniqueKey(["gatewayId", "remoteId"])
            }
            // Which registry clients an app stands for: the IdP's client it is linked to by client id, and the
            // clients under the gateway's holder that carry its gateway-held secrets.
            try db.create(table: "gatewayAppClient") { t in
                t.column("gatewayAppId", .integer).notNull().references("gatewayApp", onDelete: .cascade)
                t.column("clientRowId", .integer).notNull().references("client", onDelete: .cascade)
                t.column("role", .text).notNull().check(sql: "role IN ('linked', 'holder')")
                t.primaryKey(["gatewayAppId", "clientRowId"])
            }
            try db.create(index: "gatewayAppClient_on_clientRowId", on: "gatewayAppClient", columns: ["clientRowId"])
            try db.create(table: "gatewayAppEnvironment") { t in
                t.column("gatewayAppId", .integer).notNull().references("gatewayApp", onDelete: .cascade)
                t.column("environmentId", .integer).notNull().references("environment", onDelete: .cascade)
                t.primaryKey(["gatewayAppId", "environmentId"])
            }
            // What the registry says a client may call: the record a gateway's contracts are compared with.
            try db.create(table: "clientAccess") { t in
                t.column("clientRowId", .integer).notNull().references("client", onDelete: .cascade)
                t.column("environmentId", .integer).notNull().references("environment", onDelete: .cascade)
                t.column("api", .text).notNull()
                t.column("grantedAt", .datetime).notNull()
                t.primaryKey(["clientRowId", "environmentId", "api"])
            }
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        migrator.registerMigration("v6: secret use, held retirement, rotation policies, notices") { db in
            // When each secret was last used as its IdP reports it (at least this recent; never moved back), and
            // when the IdP was last asked and answered, so "no use recorded" is told from "never asked".
            try db.alter(table: "secret") { t in
                t.add(column: "lastUsedAt", .datetime)
                t.add(column: "usageCheckedAt", .datetime)
            }
            // Why an IdP could not say (no source, a missing permission), as it last answered; nil when it could.
            try db.alter(table: "identityProvider") { t in t.add(column: "usageUnavailable", .text) }
            try db.create(table: "rotationPolicy") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("environmentId", .integer).unique().references("environment", onDelete: .cascade)
                t.column("identityProviderId", .integer).unique().references("identityProvider", onDelete: .cascade)
                t.column("rotateBeforeSeconds", .integer).notNull()
                t.column("maxAgeSeconds", .integer)
                t.column("graceSeconds", .integer)
                t.column("secretCommand", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.check(sql: "(environmentId IS NULL) <> (identityProviderId IS NULL)")
            }
            try db.alter(table: "rotation") { t in
                // When the new secret reached its callers: a use of an old secret after it means a caller has not
                // switched.
                t.add(column: "deliveredAt", .datetime)
                // How far the grace period was pushed out while callers still used an old secret.
                t.add(column: "graceExtendedSeconds", .integer).notNull().defaults(to: 0)
                t.add(column: "heldKeyId", .text)
                t.add(column: "heldLastUsedAt", .datetime)
                // The operator ended the grace knowing the last use: retire without asking again.
                t.add(column: "graceEndedByOperator", .boolean).notNull().defaults(to: false)
                t.add(column: "rotationPolicyId", .integer).references("rotationPolicy", onDelete: .setNull)
            }
            try db.create(table: "notifyWebhook") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("team", .text).notNull().collate(.nocase)
                t.column("url", .text).notNull()
                t.column("format", .text).notNull().check(sql: "format IN ('slack', 'teams', 'json')")
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["team", "url"])
            }
            // Each notice once per webhook: `subject` names what it is about ("secret 12 30d", "rotation 4 held 2").
            try db.create(table: "noticeSent") { t in
                t.column("webhookId", .integer).notNull().references("notifyWebhook", onDelete: .cascade)
                t.column("subject", .text).notNull()
                t.column("sentAt", .datetime).notNull()
                t.primaryKey(["webhookId", "subject"])
            }
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        migrator.registerMigration("v7: registration credentials") { db in
            // RFC 7592 registration access tokens, one AES-GCM sealed box per (IdP, client id), so every process
            // on a shared registry reaches every registered client (see RegistrationCredentialStore). The IdP's
            // rows go with it: `idp remove` forgets the IdP's clients, and a token names no client without it.
            try db.create(table: "registrationCredential") { t in
                t.column("identityProviderId", .integer).notNull().references("identityProvider", onDelete: .cascade)
                t.column("clientId", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["identityProviderId", "clientId"])
            }
            try db.execute(sql: "PRAGMA user_version = 7")
        }
        migrator.registerMigration("v8: audit events name the database login") { db in
            // PostgreSQL's session_user beside the typed actor; SQLite has no login, so it stays NULL there.
            try db.alter(table: "auditEvent") { t in t.add(column: "sessionUser", .text) }
            try db.execute(sql: "PRAGMA user_version = 8")
        }
        migrator.registerMigration("v9: the clients list's change feed") { db in
            // The whole list counts as changed at the current revision: a console holding an older one reads it
            // again whole.
            for statement in ClientChangeFeed.sqliteStatements() { try db.execute(sql: statement) }
            try db.execute(sql: """
                INSERT INTO registryInfo(key, value)
                SELECT '\(ClientChangeFeed.allChangedKey)', COALESCE((SELECT value FROM registryInfo WHERE key = 'revision'), '0')
                WHERE TRUE ON CONFLICT(key) DO UPDATE SET value = excluded.value
                """)
            try db.execute(sql: "PRAGMA user_version = 9")
        }
        return migrator
    }
}
