--
-- bridge: a C++ exception thrown inside the library becomes an ordinary
-- ERROR (no crash), and the session goes on
--
-- (binding the library's own C code is guard_tamper without the flag)
SET migrate_guard.allow_destructive = on;
CREATE FUNCTION bridge_selftest(throw boolean) RETURNS boolean
  AS '$libdir/migrate_guard', 'mg_selftest_cpp_exception' LANGUAGE C STRICT;
RESET migrate_guard.allow_destructive;
SELECT bridge_selftest(false);
SELECT bridge_selftest(true);
BEGIN;
SELECT bridge_selftest(true);
ROLLBACK;
SELECT bridge_selftest(false) IS NOT NULL AS session_still_alive;
DROP FUNCTION bridge_selftest(boolean);

-- an exception thrown inside a PG_TRY block skips its PG_END_TRY: guarded()
-- restores PostgreSQL's error state, so the ERROR it raises (and every later
-- one) lands where it should instead of in the dead PG_TRY frame
SET migrate_guard.allow_destructive = on;
CREATE FUNCTION bridge_throw_in_pg_try() RETURNS boolean
  AS '$libdir/migrate_guard', 'mg_selftest_throw_in_pg_try' LANGUAGE C;
RESET migrate_guard.allow_destructive;
SELECT bridge_throw_in_pg_try();
SELECT 1 / 0;
DO $$ BEGIN PERFORM bridge_throw_in_pg_try(); EXCEPTION WHEN internal_error THEN RAISE NOTICE 'caught: %', SQLERRM; END $$;
SELECT 'session still alive' AS after_throw_in_pg_try;
DROP FUNCTION bridge_throw_in_pg_try();

-- pg_call(): a PostgreSQL error inside C++ code that holds objects with
-- destructors unwinds them and is re-raised unchanged (same SQLSTATE)
SET migrate_guard.allow_destructive = on;
CREATE FUNCTION bridge_pg_call(mode text) RETURNS int
  AS '$libdir/migrate_guard', 'mg_selftest_pg_call' LANGUAGE C;
RESET migrate_guard.allow_destructive;
SELECT bridge_pg_call('destroyed') AS destroyed_before \gset
SELECT bridge_pg_call('value');
\set VERBOSITY verbose
SELECT bridge_pg_call('error');
\set VERBOSITY default
DO $$ BEGIN PERFORM bridge_pg_call('error'); EXCEPTION WHEN division_by_zero THEN RAISE NOTICE 'caught division_by_zero'; END $$;
SELECT bridge_pg_call('destroyed') - :destroyed_before AS destructors_run;
DROP FUNCTION bridge_pg_call(text);

-- as_extension_owner(): an exception thrown while running as the owner of the
-- extension's tables restores the user, search_path, and the guard (which
-- stands aside while the library's own SQL runs)
SET migrate_guard.allow_destructive = on;
CREATE FUNCTION bridge_throw_as_owner() RETURNS boolean
  AS '$libdir/migrate_guard', 'mg_selftest_throw_as_owner' LANGUAGE C;
RESET migrate_guard.allow_destructive;
CREATE TABLE bridge_t(id int);
GRANT ALL ON bridge_t TO mg_app;
GRANT EXECUTE ON FUNCTION bridge_throw_as_owner() TO mg_app;
SET ROLE mg_app;
SET search_path = public, pg_catalog;
DO $$ BEGIN PERFORM bridge_throw_as_owner(); EXCEPTION WHEN internal_error THEN RAISE NOTICE 'caught: %', SQLERRM; END $$;
SELECT current_user, current_setting('search_path') AS search_path;
TRUNCATE bridge_t;
RESET search_path;
RESET ROLE;
DROP FUNCTION bridge_throw_as_owner();
