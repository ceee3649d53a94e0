-- migrate_guard 0.1.0 -> 0.2.0: upgrade script (ALTER EXTENSION migrate_guard UPDATE)
\echo Use "ALTER EXTENSION migrate_guard UPDATE TO '0.2.0'" \quit

-- ---------------------------------------------------------------------------
-- 0.2.0: guard
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: audit log and exposure
-- ---------------------------------------------------------------------------

-- identical refusals are counted in one entry (first_blocked_at, repeat_count)
DROP VIEW migrate_guard.blocked_attempts;
DROP FUNCTION migrate_guard._blocked_attempts();
CREATE FUNCTION migrate_guard._blocked_attempts()
RETURNS TABLE(blocked_at timestamptz, database_name text, role_name text, rule text,
              object_identity text, statement text, backend_pid int, attempt bigint,
              first_blocked_at timestamptz, repeat_count bigint)
AS 'MODULE_PATHNAME', 'mg_blocked_attempts'
LANGUAGE C VOLATILE;
CREATE VIEW migrate_guard.blocked_attempts AS
  SELECT * FROM migrate_guard._blocked_attempts();
COMMENT ON VIEW migrate_guard.blocked_attempts IS
  'Statements refused by migrate_guard since the server started (cluster-wide, 2048 entries: '
  'the 1000 newest always kept, identical refusals counted in one entry, a flood by one role never '
  'evicts the entries of roles holding fewer; roles outside the admin role see their own)';
GRANT SELECT ON migrate_guard.blocked_attempts TO PUBLIC;

-- a stored row count is shown only to roles that may see it now: superusers,
-- members of the admin role, and roles that may SELECT the table (without
-- row-level security restricting them); compare_row_counts() applies the same test
CREATE FUNCTION migrate_guard._count_visible(table_name text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'mg_count_visible'
LANGUAGE C STABLE STRICT;
ALTER TABLE migrate_guard.row_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY row_counts_visible ON migrate_guard.row_counts FOR SELECT
  USING (migrate_guard._count_visible(table_name));
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

-- ---------------------------------------------------------------------------
-- 0.2.0: guard by volume
-- ---------------------------------------------------------------------------

