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
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clientele_read') THEN CREATE ROLE clientele_read NOLOGIN; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clientele_operate') THEN CREATE ROLE clientele_operate NOLOGIN; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clientele_admin') THEN CREATE ROLE clientele_admin NOLOGIN; END IF; END $$;
GRANT clientele_read TO clientele_operate;
GRANT clientele_operate TO clientele_admin;
GRANT clientele_admin TO CURRENT_USER;
DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO clientele_read', current_schema()); EXECUTE format('GRANT CREATE ON SCHEMA %I TO clientele_admin', current_schema()); END $$;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO clientele_admin', current_database()); END $$;
GRANT SELECT ON registryInfo TO clientele_read;
GRANT INSERT (key, value), UPDATE (value) ON registryInfo TO clientele_operate;
ALTER TABLE registryInfo OWNER TO clientele_admin;
GRANT SELECT ON identityProvider TO clientele_read;
GRANT UPDATE (usageUnavailable) ON identityProvider TO clientele_operate;
ALTER TABLE identityProvider OWNER TO clientele_admin;
GRANT SELECT ON gateway TO clientele_read;
ALTER TABLE gateway OWNER TO clientele_admin;
GRANT SELECT ON environment TO clientele_read;
ALTER TABLE environment OWNER TO clientele_admin;
GRANT SELECT ON client TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON client TO clientele_operate;
ALTER TABLE client OWNER TO clientele_admin;
GRANT SELECT ON clientEnvironment TO clientele_read;
GRANT INSERT, DELETE ON clientEnvironment TO clientele_operate;
ALTER TABLE clientEnvironment OWNER TO clientele_admin;
GRANT SELECT ON secret TO clientele_read;
GRANT INSERT, UPDATE ON secret TO clientele_operate;
ALTER TABLE secret OWNER TO clientele_admin;
GRANT SELECT ON rotation TO clientele_read;
GRANT INSERT, UPDATE ON rotation TO clientele_operate;
ALTER TABLE rotation OWNER TO clientele_admin;
GRANT SELECT ON rotationPolicy TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON rotationPolicy TO clientele_operate;
ALTER TABLE rotationPolicy OWNER TO clientele_admin;
GRANT SELECT ON policyAssignment TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON policyAssignment TO clientele_operate;
ALTER TABLE policyAssignment OWNER TO clientele_admin;
GRANT SELECT ON policyApply TO clientele_read;
GRANT INSERT, UPDATE ON policyApply TO clientele_operate;
ALTER TABLE policyApply OWNER TO clientele_admin;
GRANT SELECT ON policyApplyStep TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON policyApplyStep TO clientele_operate;
ALTER TABLE policyApplyStep OWNER TO clientele_admin;
GRANT SELECT ON gatewayApi TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON gatewayApi TO clientele_operate;
ALTER TABLE gatewayApi OWNER TO clientele_admin;
GRANT SELECT ON gatewayObservation TO clientele_read;
GRANT INSERT, UPDATE ON gatewayObservation TO clientele_operate;
ALTER TABLE gatewayObservation OWNER TO clientele_admin;
GRANT SELECT ON gatewayApp TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON gatewayApp TO clientele_operate;
ALTER TABLE gatewayApp OWNER TO clientele_admin;
GRANT SELECT ON gatewayAppClient TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON gatewayAppClient TO clientele_operate;
ALTER TABLE gatewayAppClient OWNER TO clientele_admin;
GRANT SELECT ON gatewayAppEnvironment TO clientele_read;
GRANT INSERT, DELETE ON gatewayAppEnvironment TO clientele_operate;
ALTER TABLE gatewayAppEnvironment OWNER TO clientele_admin;
GRANT SELECT ON clientAccess TO clientele_read;
GRANT INSERT, DELETE ON clientAccess TO clientele_operate;
ALTER TABLE clientAccess OWNER TO clientele_admin;
GRANT SELECT ON registrationCredential TO clientele_read;
GRANT INSERT, UPDATE, DELETE ON registrationCredential TO clientele_operate;
ALTER TABLE registrationCredential OWNER TO clientele_admin;
GRANT SELECT ON notifyWebhook TO clientele_read;
ALTER TABLE notifyWebhook OWNER TO clientele_admin;
GRANT SELECT ON noticeSent TO clientele_read;
GRANT INSERT ON noticeSent TO clientele_operate;
ALTER TABLE noticeSent OWNER TO clientele_admin;
GRANT SELECT ON auditEvent TO clientele_read;
GRANT INSERT ON auditEvent TO clientele_operate;
GRANT SELECT ON clientChange TO clientele_read;
GRANT INSERT, UPDATE ON clientChange TO clientele_operate;
ALTER TABLE clientChange OWNER TO clientele_admin;
GRANT SELECT ON schemamigration TO clientele_read;
ALTER TABLE schemamigration OWNER TO clientele_admin;
DO $$ DECLARE s name; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'sandbox\_%' LOOP EXECUTE format('GRANT USAGE ON SCHEMA %I TO clientele_read, clientele_operate', s); EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO clientele_read', s); EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO clientele_operate', s); EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO clientele_operate', s); END LOOP; END $$;
DO $$ BEGIN EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO clientele_operate', current_schema()); END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE clientele_admin GRANT SELECT ON TABLES TO clientele_read;
CREATE OR REPLACE FUNCTION clientele_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on auditEvent refused', TG_OP USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS audit_is_append_only ON auditEvent;
CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON auditEvent FOR EACH STATEMENT EXECUTE FUNCTION clientele_audit_is_append_only();
