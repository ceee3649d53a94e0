--
-- extension_old_version: a database still at 0.1.0 (the new library
-- installed, ALTER EXTENSION migrate_guard UPDATE not run yet).
-- The guard and the audit keep working with the 0.1.0 objects; status()
-- says which version the database has (extension_version) next to the
-- library's (version); every function that needs 0.2.0 objects fails with a
-- clear error (55000, DETAIL installed vs library version, HINT ALTER
-- EXTENSION ... UPDATE) instead of an internal SQL error about a missing
-- column, and works once the extension is updated.
-- (Regression: snapshot_row_counts() failed with 'column
-- "database_identity" ... does not exist'; status() said only 0.2.0.)
--
CREATE DATABASE extension_old_version_db;
\c extension_old_version_db
SET client_min_messages = warning;
CREATE EXTENSION migrate_guard VERSION '0.1.0';
RESET client_min_messages;
CREATE TABLE x(id int);
INSERT INTO x VALUES (1), (2);
SELECT extversion FROM pg_extension WHERE extname = 'migrate_guard';
SELECT setting, value FROM migrate_guard.status() WHERE setting IN ('version', 'extension_version') ORDER BY 1;

-- functions that need 0.2.0 objects: a clear error
SELECT * FROM migrate_guard.snapshot_row_counts('s1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM migrate_guard.compare_row_counts('s1');
-- a 0.2.0 function bound by hand (a superuser can, under the flag) is refused the same way
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
CREATE FUNCTION public.export_schema_020(text[]) RETURNS jsonb
  AS 'migrate_guard', 'mg_export_schema' LANGUAGE C;
CREATE FUNCTION public.preflight_020(text, text[]) RETURNS TABLE(check_name text, status text, detail text)
  AS 'migrate_guard', 'mg_preflight' LANGUAGE C;
CREATE FUNCTION public.check_migration_020(text, boolean)
  RETURNS TABLE(statement_no int, line int, statement text, command_tag text, lock_mode text, relations text[],
                rewrites boolean, rule text, severity text, message text, hint text)
  AS 'migrate_guard', 'mg_check_migration' LANGUAGE C;
COMMIT;
SELECT public.export_schema_020(NULL);
SELECT * FROM public.preflight_020('p', NULL);
SELECT * FROM public.check_migration_020('DROP TABLE x;', false);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP FUNCTION public.export_schema_020(text[]), public.preflight_020(text, text[]),
              public.check_migration_020(text, boolean);
COMMIT;

-- 0.1.0 functions that need nothing newer keep working
SELECT table_name, status FROM migrate_guard.verify_rls();
SELECT count(*) AS fk_rows FROM migrate_guard.verify_fk_rules();

-- the guard refuses, the refusal is recorded, the audit log (0.1.0 columns) is written
DROP TABLE x;
SELECT rule, object_identity FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY blocked_at DESC LIMIT 1;
CREATE TABLE y(id int);
SELECT command_tag, object_identity FROM migrate_guard.ddl_log ORDER BY id DESC LIMIT 1;
UPDATE migrate_guard.ddl_log SET statement = 'hidden';

-- after the update, everything works
ALTER EXTENSION migrate_guard UPDATE;
SELECT setting, value FROM migrate_guard.status() WHERE setting IN ('version', 'extension_version') ORDER BY 1;
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('s1');
SELECT table_name, status FROM migrate_guard.compare_row_counts('s1');
SELECT check_name, status FROM migrate_guard.preflight('p') WHERE check_name = 'overall';
\c postgres
DROP DATABASE extension_old_version_db;
