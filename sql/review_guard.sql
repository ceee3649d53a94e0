--
-- review_guard: the guard's rules in the review come from the guard's own
-- classifier and verdict, so review and enforcement cannot disagree.
--
SET lock_timeout = '2s';
CREATE TABLE events(id bigint PRIMARY KEY, kind text, payload text);
INSERT INTO events SELECT g, 'k' || (g % 10), 'p' FROM generate_series(1, 2000) g;
CREATE TABLE empty_t(id int);
CREATE VIEW events_v AS SELECT id FROM events;
CREATE SEQUENCE events_seq;
CREATE SCHEMA archive;
CREATE TABLE archive.old(id int);
CREATE POLICY events_all ON events USING (true);
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE TEMP TABLE scratch(id int);
VACUUM ANALYZE events;

CREATE INDEX events_kind_idx ON events (kind);
CREATE FUNCTION review(script text) RETURNS TABLE(n int, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, rule, severity, message FROM migrate_guard.check_migration(script)
$$;
-- each statement reviewed on its own (a script that drops a table and then alters it would fail)
CREATE FUNCTION review_each(VARIADIC statements text[]) RETURNS TABLE(statement text, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT s, c.rule, c.severity, c.message
    FROM unnest(statements) WITH ORDINALITY AS u(s, i), migrate_guard.check_migration(s) c
   ORDER BY u.i
$$;

-- blocked rules: severity blocked, rule = the guard's rule name, the guard's reason and how to unlock
SELECT * FROM review_each(
  'DROP TABLE events',
  'DROP TABLE archive.old CASCADE',
  'TRUNCATE events',
  'ALTER TABLE events DROP COLUMN payload',
  'DROP SEQUENCE events_seq',
  'DROP SCHEMA archive',
  'ALTER TABLE events DISABLE ROW LEVEL SECURITY',
  'DROP POLICY events_all ON events',
  'DELETE FROM events',
  'UPDATE events SET kind = ''x'' WHERE 1 = 1',
  'WITH gone AS (DELETE FROM events RETURNING id) SELECT count(*) FROM gone',
  'MERGE INTO events e USING (SELECT 1 AS id) s ON true WHEN MATCHED THEN DELETE');
SELECT DISTINCT hint FROM migrate_guard.check_migration('DROP TABLE events') WHERE rule = 'drop_table';

-- not refused: a WHERE clause, temporary tables, objects that do not exist
SELECT n, rule, severity FROM review($mig$
DELETE FROM events WHERE id = 42;
UPDATE events SET kind = 'x' WHERE kind = 'k1';
DROP TABLE scratch;
DROP TABLE IF EXISTS no_such_table;
$mig$);

-- classified but not blocked by default: warn, with the guard's reason
SELECT * FROM review_each(
  'ALTER TABLE events RENAME COLUMN kind TO category',
  'DROP VIEW events_v',
  'DROP INDEX CONCURRENTLY events_kind_idx');

-- the guard's protection of its own objects
SELECT statement, rule, severity FROM review_each(
  'DELETE FROM migrate_guard.ddl_log WHERE id > 0',
  'DROP EXTENSION migrate_guard',
  'ALTER EXTENSION migrate_guard UPDATE');

-- statements that run DML: EXECUTE of a statement the script prepared, EXPLAIN ANALYZE
SELECT n, rule, severity FROM review($mig$
PREPARE wipe AS DELETE FROM events;
EXECUTE wipe;
EXPLAIN DELETE FROM events;
EXPLAIN (ANALYZE) DELETE FROM events;
$mig$);

-- DML against what the script itself creates or adds
SELECT n, rule, severity FROM review($mig$
CREATE TABLE staging(id int, v text);
DELETE FROM staging;
ALTER TABLE events ADD COLUMN source text;
UPDATE events SET source = 'legacy';
UPDATE events SET source = 'legacy' WHERE source IS NULL;
UPDATE events SET nothing_like_this = 1 WHERE id = 1;
DELETE FROM no_such_table;
$mig$);

-- the current settings decide, as they decide for the guard
SET migrate_guard.blocked_rules = 'drop_schema';
SELECT n, rule, severity, message FROM review('DROP TABLE events; DROP SCHEMA archive');
SET migrate_guard.blocked_rules = 'drop_table,rename';
SELECT n, rule, severity FROM review('ALTER TABLE events RENAME TO events_old');
RESET migrate_guard.blocked_rules;
SET migrate_guard.mode = warn;
SELECT n, rule, severity, message FROM review('TRUNCATE events; DELETE FROM migrate_guard.ddl_log');
SET migrate_guard.mode = off;
SELECT n, rule, severity, message FROM review('TRUNCATE events; DELETE FROM migrate_guard.ddl_log');
RESET migrate_guard.mode;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT n, rule, severity, message FROM review('TRUNCATE events');
SET LOCAL migrate_guard.require_reason = on;
SELECT n, rule, severity, hint FROM migrate_guard.check_migration('TRUNCATE events') AS c(n, l, s, t, lm, r, rw, rule, severity, m, hint);
ROLLBACK;

-- review and enforcement agree: each statement is run for real (and rolled
-- back) under the guard; no row below means they agree on every one
CREATE FUNCTION enforced(stmt text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE stmt;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'ran';
  EXCEPTION
    WHEN SQLSTATE 'MG001' THEN RETURN true;
    WHEN OTHERS THEN RETURN false; -- ran (and rolled back), or failed for its own reasons
  END;
END $$;
CREATE TEMP TABLE parity AS
SELECT s, enforced(s) AS refused,
       EXISTS (SELECT FROM migrate_guard.check_migration(s) c WHERE c.severity = 'blocked') AS review_blocked
  FROM unnest(ARRAY[
    'DROP TABLE events', 'DROP TABLE empty_t', 'DROP TABLE scratch', 'DROP TABLE archive.old CASCADE',
    'TRUNCATE events', 'TRUNCATE empty_t', 'DELETE FROM events', 'DELETE FROM events WHERE id = 1',
    'DELETE FROM events WHERE true', 'UPDATE events SET kind = kind', 'UPDATE events SET kind = kind WHERE id < 10',
    'ALTER TABLE events DROP COLUMN payload', 'ALTER TABLE events ALTER COLUMN kind TYPE varchar(200)',
    'ALTER TABLE events ALTER COLUMN id TYPE numeric', 'ALTER TABLE events SET UNLOGGED',
    'ALTER TABLE events RENAME TO events2', 'DROP INDEX events_kind_idx', 'DROP VIEW events_v',
    'DROP SEQUENCE events_seq', 'DROP SCHEMA archive CASCADE', 'ALTER TABLE events DISABLE ROW LEVEL SECURITY',
    'ALTER TABLE events NO FORCE ROW LEVEL SECURITY', 'DROP POLICY events_all ON events',
    'WITH d AS (DELETE FROM events RETURNING 1) SELECT count(*) FROM d',
    'MERGE INTO events e USING (SELECT 1 AS id) s ON true WHEN MATCHED THEN DELETE',
    'DELETE FROM migrate_guard.ddl_log WHERE id > 0', 'CREATE INDEX ON events (kind)'
  ]) AS s;
SELECT count(*) AS statements, count(*) FILTER (WHERE refused) AS refused FROM pg_temp.parity;
SELECT s, refused, review_blocked FROM pg_temp.parity WHERE refused <> review_blocked;
-- nothing was lost on the way
SELECT count(*) AS events FROM events;
