--
-- bridge: a C++ exception thrown inside the library becomes an ordinary
-- ERROR (no crash), and the session goes on
--
CREATE FUNCTION bridge_selftest(throw boolean) RETURNS boolean
  AS '$libdir/migrate_guard', 'mg_selftest_cpp_exception' LANGUAGE C STRICT;
SELECT bridge_selftest(false);
SELECT bridge_selftest(true);
BEGIN;
SELECT bridge_selftest(true);
ROLLBACK;
SELECT bridge_selftest(false) IS NOT NULL AS session_still_alive;
DROP FUNCTION bridge_selftest(boolean);
