-- migrate_guard 0.1.0 -> 0.2.0: upgrade script (ALTER EXTENSION migrate_guard UPDATE)
\echo Use "ALTER EXTENSION migrate_guard UPDATE TO '0.2.0'" \quit

-- ---------------------------------------------------------------------------
-- 0.2.0: guard
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: audit log and exposure
-- ---------------------------------------------------------------------------

-- identical refusals are counted in one entry (first_blocked_at, repeat_count);
-- login_role: the role that authenticated the session of the refusal
DROP VIEW migrate_guard.blocked_attempts;
DROP FUNCTION migrate_guard._blocked_attempts();
CREATE FUNCTION migrate_guard._blocked_attempts()
RETURNS TABLE(blocked_at timestamptz, database_name text, role_name text, rule text,
              object_identity text, statement text, backend_pid int, attempt bigint,
              first_blocked_at timestamptz, repeat_count bigint, login_role text)
AS 'MODULE_PATHNAME', 'mg_blocked_attempts'
LANGUAGE C VOLATILE;
CREATE VIEW migrate_guard.blocked_attempts AS
  SELECT * FROM migrate_guard._blocked_attempts();
COMMENT ON VIEW migrate_guard.blocked_attempts IS
  'Statements refused by migrate_guard since the server started (cluster-wide, 2048 entries: '
  'the 1000 newest always kept, identical refusals counted in one entry, a flood by one role never '
  'evicts the entries of roles holding fewer; roles outside the admin role see their own)';
GRANT SELECT ON migrate_guard.blocked_attempts TO PUBLIC;

-- the role that authenticated the session, which neither SET SESSION
-- AUTHORIZATION nor SET ROLE changes (rows written before: NULL)
ALTER TABLE migrate_guard.ddl_log ADD COLUMN login_role name;
COMMENT ON COLUMN migrate_guard.ddl_log.session_role IS
  'session_user: the login role, or the role a superuser chose with SET SESSION AUTHORIZATION';
COMMENT ON COLUMN migrate_guard.ddl_log."current_role" IS
  'current_user: the role that ran the statement (SET ROLE, SECURITY DEFINER)';
COMMENT ON COLUMN migrate_guard.ddl_log.login_role IS
  'The role that authenticated the session (no SET changes it); NULL on rows written before 0.2.0';

-- a stored row count is shown only to roles that may see it now: superusers,
-- members of the admin role, and roles that may SELECT the very table that
-- was counted (without row-level security restricting them), found by the
-- OID it had when counted in this database (a table created later under the
-- same name is another table; in a restored copy the OIDs mean nothing, so
-- there the counts are the admins' only); compare_row_counts() applies the
-- same test
ALTER TABLE migrate_guard.row_count_snapshots ADD COLUMN database_identity text;
COMMENT ON COLUMN migrate_guard.row_count_snapshots.database_identity IS
  'system identifier/database OID of the database counted: table_oid means something only there';
ALTER TABLE migrate_guard.row_counts ADD COLUMN table_oid oid;
COMMENT ON COLUMN migrate_guard.row_counts.table_oid IS
  'OID of the table counted (in the database named by row_count_snapshots.database_identity)';
CREATE FUNCTION migrate_guard._count_visible(table_oid oid, database_identity text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mg_count_visible'
LANGUAGE C STABLE;
ALTER TABLE migrate_guard.row_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY row_counts_visible ON migrate_guard.row_counts FOR SELECT
  USING (migrate_guard._count_visible(table_oid,
           (SELECT s.database_identity FROM migrate_guard.row_count_snapshots s
             WHERE s.snapshot_id OPERATOR(pg_catalog.=) row_counts.snapshot_id)));
-- no statistics on the counts: the planner's estimates (EXPLAIN) would show
-- their most common values to roles the policy hides them from
ALTER TABLE migrate_guard.row_counts ALTER COLUMN row_count SET STATISTICS 0;

-- ---------------------------------------------------------------------------
-- 0.2.0: migration review
-- ---------------------------------------------------------------------------
CREATE FUNCTION migrate_guard.check_migration(migration text, probe boolean DEFAULT false)
RETURNS TABLE(statement_no int, line int, statement text, command_tag text,
              lock_mode text, relations text[], rewrites boolean,
              rule text, severity text, message text, hint text)
AS 'MODULE_PATHNAME', 'mg_check_migration'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION migrate_guard.check_migration(text, boolean) IS
  'Reviews a migration script against this database without running it: one row per finding';

CREATE FUNCTION migrate_guard.migration_verdict(migration text, probe boolean DEFAULT false)
RETURNS text
AS 'MODULE_PATHNAME', 'mg_migration_verdict'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION migrate_guard.migration_verdict(text, boolean) IS
  'SAFE TO DEPLOY, REVIEW or BLOCKED: the worst finding of check_migration()';

GRANT EXECUTE ON FUNCTION migrate_guard.check_migration(text, boolean),
                          migrate_guard.migration_verdict(text, boolean) TO PUBLIC;

-- ---------------------------------------------------------------------------
-- 0.2.0: schema snapshots, parity, pre-flight and post-flight
-- ---------------------------------------------------------------------------
CREATE FUNCTION migrate_guard.export_schema(schemas text[] DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'mg_export_schema'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.export_schema(text[]) IS
  'The schema of this database (or of the schemas listed) as canonical jsonb: names, never OIDs';

CREATE FUNCTION migrate_guard.schema_fingerprint(schemas text[] DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'mg_schema_fingerprint'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.schema_fingerprint(text[]) IS
  'SHA-256 of the canonical export of the schema: equal schemas, equal fingerprints';

CREATE FUNCTION migrate_guard.compare_schema(before jsonb, after jsonb DEFAULT NULL)
RETURNS TABLE(object_type text, object_identity text, change text, attribute text,
              before_value text, after_value text, severity text)
AS 'MODULE_PATHNAME', 'mg_compare_schema_exports'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.compare_schema(jsonb, jsonb) IS
  'Differences between two schema exports (after NULL: the live schema), one row each, with a severity';

-- Stored schema snapshots.  A stored export shows the schema as it was,
-- dropped objects included: PUBLIC sees the metadata only; the export is read
-- through compare_schema()/postflight() by the role that took it, superusers
-- and roles granted SELECT on the table (the admin role, below).
CREATE TABLE migrate_guard.schema_snapshots (
    snapshot_id  bigserial PRIMARY KEY,
    label        text UNIQUE,
    taken_at     timestamptz NOT NULL DEFAULT now(),
    taken_by     name NOT NULL,
    schemas      text[],
    objects      int NOT NULL,
    fingerprint  text NOT NULL,
    export       jsonb NOT NULL
);
COMMENT ON TABLE migrate_guard.schema_snapshots IS
  'Schema exports stored by schema_snapshot() and preflight()';
REVOKE ALL ON migrate_guard.schema_snapshots FROM PUBLIC;
REVOKE ALL ON migrate_guard.schema_snapshots_snapshot_id_seq FROM PUBLIC;
GRANT SELECT (snapshot_id, label, taken_at, taken_by, schemas, objects, fingerprint)
  ON migrate_guard.schema_snapshots TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migrate_guard.schema_snapshots', '');
SELECT pg_catalog.pg_extension_config_dump('migrate_guard.schema_snapshots_snapshot_id_seq', '');

CREATE FUNCTION migrate_guard.schema_snapshot(label text DEFAULT NULL, schemas text[] DEFAULT NULL)
RETURNS TABLE(snapshot_id bigint, label text, objects int, fingerprint text)
AS 'MODULE_PATHNAME', 'mg_schema_snapshot'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.schema_snapshot(text, text[]) IS
  'Export the schema and store it under a label (compare_schema() compares snapshots)';

CREATE FUNCTION migrate_guard.compare_schema(before text, after text DEFAULT NULL)
RETURNS TABLE(object_type text, object_identity text, change text, attribute text,
              before_value text, after_value text, severity text)
AS 'MODULE_PATHNAME', 'mg_compare_schema_snapshots'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.compare_schema(text, text) IS
  'Differences between two stored schema snapshots (labels or ids; after NULL: the live schema)';

-- Pre-flight / post-flight: what preflight() recorded under a label.
CREATE TABLE migrate_guard.preflights (
    label                  text PRIMARY KEY,
    taken_at               timestamptz NOT NULL DEFAULT now(),
    taken_by               name NOT NULL,
    schemas                text[],
    row_count_snapshot_id  bigint NOT NULL REFERENCES migrate_guard.row_count_snapshots,
    schema_snapshot_id     bigint NOT NULL REFERENCES migrate_guard.schema_snapshots,
    ddl_log_last_id        bigint
);
COMMENT ON TABLE migrate_guard.preflights IS
  'One row per preflight(): its row-count and schema snapshots, and where the audit log stood';
REVOKE ALL ON migrate_guard.preflights FROM PUBLIC;
GRANT SELECT ON migrate_guard.preflights TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migrate_guard.preflights', '');

CREATE FUNCTION migrate_guard.preflight(label text, schemas text[] DEFAULT NULL)
RETURNS TABLE(check_name text, status text, detail text)
AS 'MODULE_PATHNAME', 'mg_preflight'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.preflight(text, text[]) IS
  'Before a migration: exact row counts and a schema snapshot stored under label, FK-rule and RLS checks';

CREATE FUNCTION migrate_guard.postflight(label text, expected_row_changes jsonb DEFAULT NULL)
RETURNS TABLE(check_name text, status text, detail text)
AS 'MODULE_PATHNAME', 'mg_postflight'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.postflight(text, jsonb) IS
  'After a migration: row counts, schema changes, FK rules, RLS and the DDL logged since preflight(label)';

-- Members of the admin role may read stored exports (when the role exists now;
-- otherwise: GRANT SELECT ON migrate_guard.schema_snapshots TO <admin role>).
DO $$
DECLARE admin text := coalesce(current_setting('migrate_guard.admin_role', true), 'migrate_guard_admin');
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = admin) THEN
    EXECUTE pg_catalog.format('GRANT SELECT ON migrate_guard.schema_snapshots TO %I', admin);
  END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- 0.2.0: guard by volume
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- 0.2.0: audit log and exposure (last: after every object exists)
-- Default privileges of the installing role that name no schema (ALTER
-- DEFAULT PRIVILEGES FOR ROLE <it> GRANT ... ON TABLES / SEQUENCES / SCHEMAS)
-- applied to what this script created: they are taken back, except what this
-- script grants itself, so no role reads the audit log or stored exports,
-- draws from the extension's sequences or creates objects in its schema that
-- way.  (Default privileges IN SCHEMA migrate_guard are guard_tamper.)
-- ---------------------------------------------------------------------------
DO $$
DECLARE
  ext_schema oid := (SELECT n.oid FROM pg_catalog.pg_namespace n
                      WHERE n.nspname OPERATOR(pg_catalog.=) 'migrate_guard');
  admin name := coalesce(pg_catalog.current_setting('migrate_guard.admin_role', true), 'migrate_guard_admin');
  g record;
BEGIN
  FOR g IN
    -- relations and sequences: what a default ACL granted, minus the intended grants
    SELECT pg_catalog.format('%I.%I', 'migrate_guard', c.relname) AS object,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind,
           a.privilege_type, a.grantee, a.is_grantable,
           (a.privilege_type OPERATOR(pg_catalog.=) 'SELECT'
            AND ((a.grantee OPERATOR(pg_catalog.=) 0
                  AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['blocked_attempts', 'fk_expectations',
                        'row_count_snapshots', 'row_counts', 'preflights']::pg_catalog.name[]))
                 OR (a.grantee OPERATOR(pg_catalog.<>) 0
                     AND pg_catalog.pg_get_userbyid(a.grantee) OPERATOR(pg_catalog.=) admin
                     AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['ddl_log', 'schema_snapshots']::pg_catalog.name[]))))
             AS intended
      FROM pg_catalog.pg_class c
           CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a
     WHERE c.relnamespace OPERATOR(pg_catalog.=) ext_schema
       AND a.grantee OPERATOR(pg_catalog.<>) c.relowner
       AND EXISTS (SELECT FROM pg_catalog.pg_default_acl d
                          CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) da
                    WHERE d.defaclrole OPERATOR(pg_catalog.=) c.relowner
                      AND d.defaclnamespace OPERATOR(pg_catalog.=) ANY (ARRAY[0, ext_schema]::pg_catalog.oid[])
                      AND d.defaclobjtype OPERATOR(pg_catalog.=)
                          CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'S' ELSE 'r' END::pg_catalog."char"
                      AND da.grantee OPERATOR(pg_catalog.=) a.grantee
                      AND da.privilege_type OPERATOR(pg_catalog.=) a.privilege_type)
    UNION ALL
    -- the schema: USAGE for PUBLIC is intended, nothing else
    SELECT 'migrate_guard', 'SCHEMA', a.privilege_type, a.grantee, a.is_grantable,
           a.grantee OPERATOR(pg_catalog.=) 0 AND a.privilege_type OPERATOR(pg_catalog.=) 'USAGE'
      FROM pg_catalog.pg_namespace n
           CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid OPERATOR(pg_catalog.=) ext_schema
       AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
       AND EXISTS (SELECT FROM pg_catalog.pg_default_acl d
                          CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) da
                    WHERE d.defaclrole OPERATOR(pg_catalog.=) n.nspowner
                      AND d.defaclnamespace OPERATOR(pg_catalog.=) 0
                      AND d.defaclobjtype OPERATOR(pg_catalog.=) 'n'::pg_catalog."char"
                      AND da.grantee OPERATOR(pg_catalog.=) a.grantee
                      AND da.privilege_type OPERATOR(pg_catalog.=) a.privilege_type)
  LOOP
    IF NOT g.intended THEN
      EXECUTE pg_catalog.format('REVOKE %s ON %s %s FROM %s', g.privilege_type, g.kind, g.object,
                                CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END);
    ELSIF g.is_grantable THEN
      EXECUTE pg_catalog.format('REVOKE GRANT OPTION FOR %s ON %s %s FROM %I', g.privilege_type, g.kind, g.object,
                                pg_catalog.pg_get_userbyid(g.grantee));
    END IF;
  END LOOP;
END
$$;
