--
-- audit_missing_rows: every catalog change that survives has its row, also
-- for the statements event triggers do not report (PostgreSQL 15) and for
-- those that commit their first step in a transaction of their own
--
\set VERBOSITY terse
\pset null '(null)'
SELECT current_database() AS suite_db \gset
CREATE FUNCTION log_since(bigint)
RETURNS TABLE(command_tag text, object_type text, object_identity text, statement text, rule text,
              overridden boolean, event text, detail text)
LANGUAGE sql AS $$
  SELECT command_tag, object_type, object_identity, statement, rule, overridden, event, detail
    FROM migrate_guard.ddl_log WHERE id > $1 ORDER BY id
$$;

-- DDL in the same transaction as CREATE EXTENSION migrate_guard is logged,
-- and so is CREATE EXTENSION itself (in databases of their own)
CREATE DATABASE audit_missing_a;
CREATE DATABASE audit_missing_b;
\c audit_missing_a
BEGIN;
CREATE EXTENSION migrate_guard;
CREATE TABLE made_with_the_extension(id int);
COMMIT;
SELECT command_tag, object_identity, statement, event FROM migrate_guard.ddl_log ORDER BY id;
\c audit_missing_b
CREATE EXTENSION migrate_guard \; CREATE TABLE in_the_same_string(id int) \; ALTER TABLE in_the_same_string ADD COLUMN v text;
SELECT command_tag, object_identity, statement, event FROM migrate_guard.ddl_log ORDER BY id;
\c :suite_db
SET migrate_guard.allow_destructive = on;
DROP DATABASE audit_missing_a;
DROP DATABASE audit_missing_b;
RESET migrate_guard.allow_destructive;
\set VERBOSITY terse
\pset null '(null)'
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- statements event triggers do not report: GRANT/REVOKE ON PARAMETER,
-- ALTER DATABASE ... REFRESH COLLATION VERSION, REINDEX, CLUSTER
GRANT SET, ALTER SYSTEM ON PARAMETER work_mem, maintenance_work_mem TO mg_app;
REVOKE ALTER SYSTEM ON PARAMETER work_mem FROM mg_app;
REVOKE ALL ON PARAMETER work_mem, maintenance_work_mem FROM mg_app;
ALTER DATABASE :"suite_db" REFRESH COLLATION VERSION;
CREATE SCHEMA rx;
CREATE TABLE rx.t(id int PRIMARY KEY, v int);
INSERT INTO rx.t SELECT g, g FROM generate_series(1, 10) g;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
REINDEX TABLE rx.t;
REINDEX INDEX rx.t_pkey;
REINDEX SCHEMA rx;
REINDEX TABLE CONCURRENTLY rx.t;
CLUSTER rx.t USING t_pkey;
CLUSTER rx.t;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- EXPLAIN ANALYZE runs a CREATE TABLE AS (and SELECT INTO): the table has its row
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE rx.by_explain AS SELECT 1 AS one;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT 1 AS one INTO rx.by_select_into;
EXPLAIN (COSTS OFF) CREATE TABLE rx.only_planned AS SELECT 1 AS one;
SELECT * FROM log_since(:mark);
SELECT to_regclass('rx.by_explain') IS NOT NULL AS created, to_regclass('rx.only_planned') IS NULL AS not_created;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- CREATE UNIQUE INDEX CONCURRENTLY commits the index before building it: a
-- failed build leaves an invalid index, and its row
INSERT INTO rx.t VALUES (11, 1);
CREATE UNIQUE INDEX CONCURRENTLY t_v_unique ON rx.t(v);
SELECT indexrelid::regclass AS index, indisvalid FROM pg_index WHERE indexrelid = 'rx.t_v_unique'::regclass;
-- a build that succeeds has exactly one row
CREATE INDEX CONCURRENTLY t_v ON rx.t(v);
CREATE INDEX CONCURRENTLY ON rx.t(id, v);
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- REINDEX CONCURRENTLY commits its new index before building it: a failed
-- build leaves an invalid index _ccnew, and the row of the REINDEX
CREATE FUNCTION rx.fragile(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF current_setting('rx.fail', true) = 'on' THEN RAISE EXCEPTION 'rx.fragile fails now'; END IF;
  RETURN $1;
END $$;
CREATE INDEX t_fragile ON rx.t (rx.fragile(v));
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
SET rx.fail = on;
REINDEX INDEX CONCURRENTLY rx.t_fragile;
RESET rx.fail;
SELECT relname, indisvalid FROM pg_index JOIN pg_class ON oid = indexrelid
 WHERE indrelid = 'rx.t'::regclass AND relname LIKE 't_fragile%' ORDER BY relname;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- DETACH PARTITION CONCURRENTLY commits its first step on its own: one row
CREATE TABLE rx.p(id int) PARTITION BY RANGE (id);
CREATE TABLE rx.p1 PARTITION OF rx.p FOR VALUES FROM (0) TO (10);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
ALTER TABLE rx.p DETACH PARTITION rx.p1 CONCURRENTLY;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- a procedure that commits and rolls back: the committed DDL has its rows,
-- the rolled-back DDL has none
CREATE PROCEDURE rx.steps() LANGUAGE plpgsql AS $$
BEGIN
  CREATE TABLE rx.step_1(id int);
  COMMIT;
  CREATE TABLE rx.step_2(id int);
  ROLLBACK;
  CREATE TABLE rx.step_3(id int);
  COMMIT;
  ALTER TABLE rx.step_3 ADD COLUMN v int;
END $$;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CALL rx.steps();
SELECT command_tag, object_identity, statement, top_statement FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- an override deep in nested calls keeps its rule, overridden flag,
-- statement and reason (deeper than any fixed stack of frames)
CREATE TABLE rx.deep_victim(id int);
CREATE PROCEDURE rx.dive(depth int) LANGUAGE plpgsql AS $$
BEGIN
  IF depth > 0 THEN
    CALL rx.dive(depth - 1);
  ELSE
    EXECUTE 'DROP TABLE rx.deep_victim';
    CREATE TABLE rx.deep_new(id int);
  END IF;
END $$;
CREATE FUNCTION rx.dive_fn(depth int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF depth > 0 THEN
    PERFORM rx.dive_fn(depth - 1);
  ELSE
    CALL rx.dive(100);
  END IF;
END $$;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'TICKET-9: deep drop';
DO $$ BEGIN PERFORM rx.dive_fn(20); END $$;
COMMIT;
SELECT command_tag, object_identity, statement, top_statement, rule, overridden, reason, event
  FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- a superuser writing a system catalog directly changes the schema without
-- DDL: the write has its row (EXPLAIN without ANALYZE writes nothing)
CREATE TABLE rx.guarded_rls(id int);
ALTER TABLE rx.guarded_rls ENABLE ROW LEVEL SECURITY;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
UPDATE pg_catalog.pg_class SET relrowsecurity = false WHERE oid = 'rx.guarded_rls'::regclass;
DO $$ BEGIN EXECUTE 'EXPLAIN UPDATE pg_catalog.pg_class SET relrowsecurity = true WHERE oid = ''rx.guarded_rls''::regclass'; END $$;
WITH gone AS (DELETE FROM pg_catalog.pg_description WHERE objoid = 0 RETURNING 1) SELECT count(*) FROM gone;
PREPARE catalog_write AS UPDATE pg_catalog.pg_class SET relrowsecurity = relrowsecurity WHERE oid = 'rx.guarded_rls'::regclass;
EXECUTE catalog_write;
EXECUTE catalog_write;
UPDATE rx.guarded_rls SET id = 0 WHERE id = 1;
SELECT * FROM log_since(:mark);
