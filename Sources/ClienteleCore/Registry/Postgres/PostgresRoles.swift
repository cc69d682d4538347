/// The three roles a team grants its logins on a shared PostgreSQL registry, as the SQL the database owner runs
/// (`clientele init --print-roles`, kept as `docs/postgres-roles.sql`). Everyone reads everything; what
/// `clientele_operate` may write is listed table by table below, taken from the store's own statements, so a new
/// table cannot ship without a decision (`PostgresRolesTests` fails until it is listed).
///
/// - `clientele_read`: SELECT on every table: the console `--readonly`, `secrets expiring`, `audit verify`.
/// - `clientele_operate`: read, plus what rotating, registering and syncing clients, assigning and applying
///   policies, syncing client apps and sending notices write; INSERT (never UPDATE or DELETE) on audit events.
/// - `clientele_admin`: operate, plus owning every table but `auditEvent` (IdPs, environments, gateways,
///   webhooks, and the schema: PostgreSQL lets only a table's owner alter it, so migrations need ownership).
///
/// `auditEvent` stays with the database owner, so no role can alter or drop it, and a trigger refuses UPDATE,
/// DELETE and TRUNCATE on it even to the owner: grants alone would leave the owner's own login free to rewrite
/// history by accident. The owner can still drop the trigger knowingly; `audit verify` catches what follows.
public enum PostgresRoles {
    public static let read = "clientele_read"
    public static let operate = "clientele_operate"
    public static let admin = "clientele_admin"

    /// What `clientele_operate` may write on one table beyond reading it, in GRANT's words (a column list where
    /// only part of a row is the operator's to change).
    struct TableGrant {
        let table: String
        let operate: [String]
    }

    static let auditTable = "auditEvent"

    static let tables: [TableGrant] = [
        // The writers' lock row is taken FOR UPDATE by every write; the revision and the audit head advance.
        TableGrant(table: "registryInfo", operate: ["INSERT (key, value)", "UPDATE (value)"]),
        // Whether an IdP can report secret use, as the last rotation or `secrets usage` found it.
        TableGrant(table: "identityProvider", operate: ["UPDATE (usageUnavailable)"]),
        TableGrant(table: "gateway", operate: []),
        TableGrant(table: "environment", operate: []),
        TableGrant(table: "client", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "clientEnvironment", operate: ["INSERT", "DELETE"]),
        // A client's secrets go with it by cascade, which needs no grant of its own.
        TableGrant(table: "secret", operate: ["INSERT", "UPDATE"]),
        TableGrant(table: "rotation", operate: ["INSERT", "UPDATE"]),
        TableGrant(table: "rotationPolicy", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "policyAssignment", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "policyApply", operate: ["INSERT", "UPDATE"]),
        TableGrant(table: "policyApplyStep", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "gatewayApi", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "gatewayObservation", operate: ["INSERT", "UPDATE"]),
        TableGrant(table: "gatewayApp", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "gatewayAppClient", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "gatewayAppEnvironment", operate: ["INSERT", "DELETE"]),
        TableGrant(table: "clientAccess", operate: ["INSERT", "DELETE"]),
        // Registering a client at an OIDC provider keeps its sealed token; rotating there reseals it.
        TableGrant(table: "registrationCredential", operate: ["INSERT", "UPDATE", "DELETE"]),
        TableGrant(table: "notifyWebhook", operate: []),
        TableGrant(table: "noticeSent", operate: ["INSERT"]),
        TableGrant(table: auditTable, operate: ["INSERT"]),
        // Stamped by the triggers of the clients list's change feed, which run as the login whose write fired them.
        TableGrant(table: "clientChange", operate: ["INSERT", "UPDATE"]),
        TableGrant(table: "schemamigration", operate: []),
    ]

    /// The role to grant a login refused a change to `table` (as PostgreSQL names it, folded to lower case): the
    /// operator's where it may write there, unless the login already is one and was refused all the same.
    static func roleToChange(table: String, holdsOperate: Bool) -> String {
        let grant = tables.first { $0.table.lowercased() == table.lowercased() }
        guard let grant, !grant.operate.isEmpty, !holdsOperate else { return admin }
        return operate
    }

    /// The table as the registry spells it, for an error line.
    static func displayName(table: String) -> String {
        tables.first { $0.table.lowercased() == table.lowercased() }?.table ?? table
    }

    /// Each statement on its own, for a client that sends one at a time (the tests, through the owner's login).
    static var statements: [String] {
        let roles = [read, operate, admin]
        var sql = roles.map { role in
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN CREATE ROLE \(role) NOLOGIN; END IF; END $$"
        }
        sql += [
            "GRANT \(read) TO \(operate)",
            "GRANT \(operate) TO \(admin)",
            // Whoever runs this must be able to act as the admin role to hand it the tables.
            "GRANT \(admin) TO CURRENT_USER",
            "DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO \(read)', current_schema()); "
                + "EXECUTE format('GRANT CREATE ON SCHEMA %I TO \(admin)', current_schema()); END $$",
            // A sandbox IdP or gateway keeps its state in a schema of its own, which the admin adding it creates
            // (SandboxStore grants the other roles their part of it).
            "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO \(admin)', current_database()); END $$",
        ]
        for grant in tables {
            sql.append("GRANT SELECT ON \(grant.table) TO \(read)")
            if !grant.operate.isEmpty {
                sql.append("GRANT \(grant.operate.joined(separator: ", ")) ON \(grant.table) TO \(operate)")
            }
            if grant.table != auditTable {
                sql.append("ALTER TABLE \(grant.table) OWNER TO \(admin)")
            }
        }
        sql += [
            // Sandboxes added before the roles existed (a new one grants them itself, see SandboxStore).
            "DO $$ DECLARE s name; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sandbox\\_%' LOOP "
                + "EXECUTE format('GRANT USAGE ON SCHEMA %I TO \(read), \(operate)', s); "
                + "EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO \(read)', s); "
                + "EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO \(operate)', s); "
                + "EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO \(operate)', s); END LOOP; END $$",
            // Identity columns draw from sequences: inserting a row takes the next value.
            "DO $$ BEGIN EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO \(operate)', current_schema()); END $$",
            // A table a later migration creates is readable at once; run this script again after an upgrade for
            // the rest.
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(admin) GRANT SELECT ON TABLES TO \(read)",
            """
            CREATE OR REPLACE FUNCTION clientele_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit events are append-only: % on auditEvent refused', TG_OP USING ERRCODE = '42501';
            END $$
            """,
            "DROP TRIGGER IF EXISTS audit_is_append_only ON \(auditTable)",
            "CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON \(auditTable) "
                + "FOR EACH STATEMENT EXECUTE FUNCTION clientele_audit_is_append_only()",
        ]
        return sql
    }

    /// The whole script, for psql.
    public static var sql: String {
        """
        -- Clientele's roles for a shared PostgreSQL registry (printed by `clientele init --print-roles`).
        -- Run as the database owner, after `clientele init` and again after every upgrade (it is idempotent):
        --   psql "postgres://OWNER@HOST/DB" -v ON_ERROR_STOP=1 -f postgres-roles.sql
        -- Then give each login one role, e.g.:
        --   CREATE ROLE alice LOGIN; GRANT clientele_operate TO alice;
        -- clientele_read: reads everything (console --readonly, secrets expiring, audit verify).
        -- clientele_operate: read + rotate, register and sync clients, assign and apply policies, send notices;
        --   INSERT only on auditEvent.
        -- clientele_admin: operate + IdPs, environments, gateways, webhooks and schema upgrades (owns every table
        --   but auditEvent).
        -- No role may UPDATE or DELETE audit events; a trigger refuses it even to the owner.

        """ + statements.map { $0 + ";\n" }.joined()
    }
}
