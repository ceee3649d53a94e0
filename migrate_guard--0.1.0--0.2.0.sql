-- migrate_guard 0.1.0 -> 0.2.0: upgrade script (ALTER EXTENSION migrate_guard UPDATE)
\echo Use "ALTER EXTENSION migrate_guard UPDATE TO '0.2.0'" \quit

-- ---------------------------------------------------------------------------
-- 0.2.0: guard
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: audit log and exposure
-- ---------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------
-- 0.2.0: guard by volume
-- ---------------------------------------------------------------------------

