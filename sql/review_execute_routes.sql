--
-- review_execute_routes: EXECUTE of a statement the script prepared, nested in
-- EXPLAIN ANALYZE or CREATE TABLE AS, is reviewed (an outside attacker's
-- case: the review used to fail with "unrecognized node type", and EXPLAIN
-- ANALYZE EXECUTE of a prepared DELETE ... WHERE $1 was ok while the guard
-- refuses it).  Each script is then run for real, as the review predicts.
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT generate_series(1, 100);
SELECT statement_no, command_tag, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nPREPARE p(int) AS SELECT * FROM orders WHERE id = $1;\nEXPLAIN ANALYZE EXECUTE p(1);');
SELECT statement_no, command_tag, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nPREPARE p(int) AS SELECT * FROM orders WHERE id = $1;\nCREATE TABLE z AS EXECUTE p(1);');
SELECT statement_no, command_tag, rule, severity FROM migrate_guard.check_migration(
  E'SET lock_timeout = ''1s'';\nPREPARE d(bool) AS DELETE FROM orders WHERE $1;\nEXPLAIN ANALYZE EXECUTE d(true);');
SELECT migrate_guard.migration_verdict(
  E'SET lock_timeout = ''1s'';\nPREPARE p(int) AS SELECT * FROM orders WHERE id = $1;\nEXPLAIN EXECUTE p(1);') AS verdict_plain_explain;
-- setval() on the extension's sequence through EXPLAIN ANALYZE EXECUTE: guard_tamper, as the guard refuses it
SELECT statement_no, command_tag, rule, severity FROM migrate_guard.check_migration(
  E'PREPARE s AS SELECT pg_catalog.setval(''migrate_guard.ddl_log_id_seq'', 1);\nEXPLAIN ANALYZE EXECUTE s;') WHERE rule IS NOT NULL;
-- the scripts run
SET lock_timeout = '1s';
PREPARE p(int) AS SELECT * FROM orders WHERE id = $1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE p(1);
CREATE TABLE z AS EXECUTE p(1);
SELECT * FROM z;
PREPARE d(bool) AS DELETE FROM orders WHERE $1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE d(true);
SELECT count(*) AS orders_left FROM orders;
PREPARE s AS SELECT pg_catalog.setval('migrate_guard.ddl_log_id_seq', 1);
\set VERBOSITY terse
EXPLAIN ANALYZE EXECUTE s;
\set VERBOSITY default
RESET lock_timeout;
