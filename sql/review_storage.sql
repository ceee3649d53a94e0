--
-- review_storage: statements that copy or rewrite a relation's files under an
-- AccessExclusiveLock -- SET TABLESPACE (table, index, materialized view),
-- ALL IN TABLESPACE (every relation PostgreSQL selects), SET ACCESS METHOD --
-- are table_rewrite with the sizes, unless PostgreSQL has nothing to do.
--
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE review_storage_ts LOCATION '';
CREATE TABLESPACE review_storage_closed LOCATION '';
RESET allow_in_place_tablespaces;
GRANT CREATE ON TABLESPACE review_storage_ts TO mg_app;
CREATE TABLE big(id int PRIMARY KEY, v text);
INSERT INTO big SELECT g, repeat('v', 50) FROM generate_series(1, 5000) g;
CREATE TABLE empty_t(id int);
CREATE MATERIALIZED VIEW big_mv AS SELECT id FROM big;
CREATE TABLE parted(id int) PARTITION BY RANGE (id);
CREATE TABLE moved_already(id int) TABLESPACE review_storage_ts;
INSERT INTO moved_already VALUES (1);
VACUUM ANALYZE big, big_mv;
CREATE FUNCTION review(script text) RETURNS TABLE(n int, lock_mode text, rewrites boolean, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, lock_mode, rewrites, rule, severity, message FROM migrate_guard.check_migration(script)
   WHERE rule IS DISTINCT FROM 'missing_lock_timeout'
$$;

-- one relation: its files are copied (a table with its TOAST, not its indexes), unless it is there already
SELECT * FROM review($mig$
ALTER TABLE big SET TABLESPACE review_storage_ts;
ALTER INDEX big_pkey SET TABLESPACE review_storage_ts;
ALTER MATERIALIZED VIEW big_mv SET TABLESPACE review_storage_ts;
ALTER TABLE empty_t SET TABLESPACE review_storage_ts;
ALTER TABLE big SET TABLESPACE pg_default;
ALTER TABLE moved_already SET TABLESPACE review_storage_ts;
ALTER TABLE parted SET TABLESPACE review_storage_ts;
ALTER TABLE big SET TABLESPACE no_such_tablespace;
$mig$);

-- SET ACCESS METHOD: a rewrite, unless the table already uses it
SELECT * FROM review($mig$
ALTER TABLE big SET ACCESS METHOD heap;
ALTER TABLE big SET ACCESS METHOD no_such_am;
$mig$);

-- ALL IN TABLESPACE: every relation PostgreSQL would move, each locked until the end of the transaction
SET ROLE mg_app;
CREATE TABLE app_a(id int);
INSERT INTO app_a SELECT generate_series(1, 1000);
CREATE TABLE app_b(id int PRIMARY KEY);
CREATE MATERIALIZED VIEW app_mv AS SELECT 1 AS one;
VACUUM ANALYZE app_a, app_b, app_mv;
SELECT n, lock_mode, rewrites, rule, severity, message FROM review($mig$
ALTER TABLE ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE review_storage_ts;
ALTER INDEX ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE review_storage_ts NOWAIT;
ALTER MATERIALIZED VIEW ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE review_storage_ts;
ALTER TABLE ALL IN TABLESPACE review_storage_ts OWNED BY mg_app SET TABLESPACE pg_default;
ALTER TABLE ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE pg_default;
$mig$);
SELECT statement_no, relations FROM migrate_guard.check_migration(
  'ALTER TABLE ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE review_storage_ts') LIMIT 1;
-- without OWNED BY it selects every role's tables: it fails for a role that does not own them all
SELECT n, rule, severity, message FROM review('ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE review_storage_ts');
-- it fails without CREATE on the tablespace, or for a role that does not exist
SELECT n, rule, severity, message FROM review($mig$
ALTER TABLE app_a SET TABLESPACE review_storage_closed;
ALTER INDEX app_b_pkey SET TABLESPACE review_storage_closed;
ALTER TABLE ALL IN TABLESPACE pg_default OWNED BY mg_app SET TABLESPACE review_storage_closed;
ALTER TABLE ALL IN TABLESPACE pg_default OWNED BY no_such_role SET TABLESPACE review_storage_ts;
$mig$);
RESET ROLE;
-- a superuser owns them all: migrate_guard's own tables are among them, and the guard refuses to move those
SELECT DISTINCT rule, severity FROM migrate_guard.check_migration(
  'ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE review_storage_ts')
 WHERE rule <> 'missing_lock_timeout' ORDER BY 1;
-- (which of them is refused first depends on the catalog's order: only the SQLSTATE is shown)
\set VERBOSITY sqlstate
BEGIN;
ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE review_storage_ts;
ROLLBACK;
\set VERBOSITY default

-- nothing moved
SELECT count(*) AS in_review_ts FROM pg_class WHERE reltablespace = (SELECT oid FROM pg_tablespace WHERE spcname = 'review_storage_ts');
ALTER TABLE moved_already SET TABLESPACE pg_default;
DROP TABLESPACE review_storage_ts;
DROP TABLESPACE review_storage_closed;

-- an index of an empty table is empty only while its file is small: VACUUM does not shrink it
CREATE TABLE emptied(id int PRIMARY KEY);
INSERT INTO emptied SELECT generate_series(1, 20000);
DELETE FROM emptied WHERE id > 0;
VACUUM emptied;
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE review_storage_ts LOCATION '';
RESET allow_in_place_tablespaces;
SELECT pg_relation_size('emptied') AS table_bytes, pg_relation_size('emptied_pkey') > 100000 AS big_index;
SELECT n, rewrites, rule, severity, message FROM review($mig$
ALTER TABLE emptied SET TABLESPACE review_storage_ts;
ALTER INDEX emptied_pkey SET TABLESPACE review_storage_ts;
ALTER INDEX big_pkey SET TABLESPACE review_storage_ts;
$mig$);
DROP TABLESPACE review_storage_ts;
