-- migrate_guard 0.1.0: install script
\echo Use "CREATE EXTENSION migrate_guard" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Status and the refusal ring
-- ---------------------------------------------------------------------------
CREATE FUNCTION migrate_guard.status()
RETURNS TABLE(setting text, value text)
AS 'MODULE_PATHNAME', 'mg_status'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.status() IS
  'Version, preload state and current settings of migrate_guard';

CREATE FUNCTION migrate_guard._preloaded()
RETURNS boolean
AS 'MODULE_PATHNAME', 'mg_preloaded'
LANGUAGE C VOLATILE;

CREATE FUNCTION migrate_guard._blocked_attempts()
RETURNS TABLE(blocked_at timestamptz, database_name text, role_name text, rule text,
              object_identity text, statement text, backend_pid int, attempt bigint)
AS 'MODULE_PATHNAME', 'mg_blocked_attempts'
LANGUAGE C VOLATILE;

CREATE VIEW migrate_guard.blocked_attempts AS
  SELECT * FROM migrate_guard._blocked_attempts();
COMMENT ON VIEW migrate_guard.blocked_attempts IS
  'Statements refused by migrate_guard since the server started (last 1024, cluster-wide; '
  'roles outside the admin role see their own)';

GRANT USAGE ON SCHEMA migrate_guard TO PUBLIC;
GRANT SELECT ON migrate_guard.blocked_attempts TO PUBLIC;
GRANT EXECUTE ON FUNCTION migrate_guard.status() TO PUBLIC;

-- ---------------------------------------------------------------------------
-- Audit log (written by the library, in the transaction of the change)
-- ---------------------------------------------------------------------------
CREATE TABLE migrate_guard.ddl_log (
    id               bigserial PRIMARY KEY,
    logged_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    txid             xid8 NOT NULL DEFAULT pg_current_xact_id(),
    session_role     name NOT NULL DEFAULT session_user,
    "current_role"   name NOT NULL DEFAULT current_user,
    application_name text,
    client_addr      inet,
    backend_pid      int NOT NULL DEFAULT pg_backend_pid(),
    command_tag      text NOT NULL,
    object_type      text,
    schema_name      text,
    object_identity  text,
    statement        text,
    top_statement    text,
    rule             text,
    overridden       boolean NOT NULL DEFAULT false,
    reason           text
);
REVOKE ALL ON migrate_guard.ddl_log FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migrate_guard.ddl_log', '');
SELECT pg_catalog.pg_extension_config_dump('migrate_guard.ddl_log_id_seq', '');

-- ---------------------------------------------------------------------------
-- Warn when the library is not preloaded: the guard would then be missing
-- from every session but this one.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT migrate_guard._preloaded() THEN
    RAISE WARNING 'migrate_guard: the library is not in shared_preload_libraries, so the guard is not active in every session'
      USING DETAIL = 'Statements are neither checked nor audited; migrate_guard.status() reports preloaded = false.',
            HINT = 'Add migrate_guard to shared_preload_libraries in postgresql.conf and restart the server.';
  END IF;
END
$$;
