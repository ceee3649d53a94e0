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

-- DML against what the script itself creates or adds (staging is created in an earlier transaction
-- of the script than its DELETE: not new any more, the guard refuses it)
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
-- Scripts: what the script hangs under the objects it creates (hangs.h).  Each
-- script runs for real, statement by statement in one transaction (rolled
-- back), under the guard: refused_at is the statement the guard refuses (0:
-- none; negative: it failed for its own reasons there).  The review sees the
-- same statements between BEGIN and COMMIT: blocked_at is its first blocked
-- statement (0: none).  No row below means they agree on every script.
CREATE TABLE legacy(id int NOT NULL, v text);
INSERT INTO legacy SELECT g, 'v' || g FROM generate_series(1, 3) g;
CREATE SEQUENCE legacy_seq;
CREATE FUNCTION enforced_at(statements text[]) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  i int;
  at int := 0;
BEGIN
  BEGIN
    FOR i IN 1 .. array_length(statements, 1) LOOP
      at := i;
      EXECUTE statements[i];
    END LOOP;
    at := 0;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'ran';
  EXCEPTION
    WHEN SQLSTATE 'MG001' THEN RETURN at;
    WHEN OTHERS THEN RETURN -at;
  END;
END $$;
CREATE FUNCTION blocked_at(statements text[]) RETURNS int LANGUAGE sql AS $$
  SELECT coalesce(min(statement_no) FILTER (WHERE severity = 'blocked') - 1, 0)
    FROM migrate_guard.check_migration('BEGIN; ' || array_to_string(statements, '; ') || '; COMMIT;')
$$;
CREATE TEMP TABLE script_parity(name text, fk_action boolean, refused_at int, blocked_at int);
INSERT INTO pg_temp.script_parity
SELECT name, fk_action, enforced_at(statements), blocked_at(statements)
  FROM (VALUES
  ('inherit, delete', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'DELETE FROM lp']),
  ('inherit, delete where', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'DELETE FROM lp WHERE id = 1']),
  ('inherit, delete where true', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'DELETE FROM lp WHERE 1 = 1']),
  ('inherit, delete only', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'DELETE FROM ONLY lp']),
  ('inherit, update', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'UPDATE lp SET v = v']),
  ('inherit, merge', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'MERGE INTO lp USING (SELECT 1) s ON true WHEN MATCHED THEN DELETE']),
  ('inherit, truncate', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'TRUNCATE lp']),
  ('inherit, drop cascade', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'DROP TABLE lp CASCADE']),
  ('inherit, drop column', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'ALTER TABLE lp DROP COLUMN v']),
  ('inherit, column type', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'ALTER TABLE lp ALTER COLUMN id TYPE bigint']),
  ('inherit undone, delete', false, ARRAY['CREATE TABLE lp(id int, v text)', 'ALTER TABLE legacy INHERIT lp', 'ALTER TABLE legacy NO INHERIT lp', 'DELETE FROM lp']),
  ('new child table, delete', false, ARRAY['CREATE TABLE lp(id int, v text)', 'CREATE TABLE lc() INHERITS (lp)', 'ALTER TABLE legacy INHERIT lc', 'DELETE FROM lp']),
  ('partition, drop', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'DROP TABLE np']),
  ('partition, drop column', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'ALTER TABLE np DROP COLUMN v']),
  ('partition, truncate', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'TRUNCATE np']),
  ('partition, delete where true', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'DELETE FROM np WHERE true']),
  ('partition, column type', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'ALTER TABLE np ALTER COLUMN v TYPE varchar(3)']),
  ('partition detached, drop', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'ALTER TABLE np DETACH PARTITION legacy', 'DROP TABLE np']),
  ('partition of a partition, drop', false, ARRAY['CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'CREATE TABLE np2(id int NOT NULL, v text) PARTITION BY RANGE (id)', 'ALTER TABLE np ATTACH PARTITION legacy FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'ALTER TABLE np2 ATTACH PARTITION np FOR VALUES FROM (MINVALUE) TO (MAXVALUE)', 'DROP TABLE np2']),
  ('typed, drop attribute', false, ARRAY['CREATE TYPE nc AS (id int, v text)', 'ALTER TABLE legacy OF nc', 'ALTER TYPE nc DROP ATTRIBUTE v CASCADE']),
  ('typed, drop type', false, ARRAY['CREATE TYPE nc AS (id int, v text)', 'ALTER TABLE legacy OF nc', 'DROP TYPE nc CASCADE']),
  ('typed, attribute type', false, ARRAY['CREATE TYPE nc AS (id int, v text)', 'ALTER TABLE legacy OF nc', 'ALTER TYPE nc ALTER ATTRIBUTE id TYPE bigint CASCADE']),
  ('typed undone, drop type', false, ARRAY['CREATE TYPE nc AS (id int, v text)', 'ALTER TABLE legacy OF nc', 'ALTER TABLE legacy NOT OF', 'DROP TYPE nc']),
  ('owned by, drop table', false, ARRAY['CREATE TABLE nt(id int, x int)', 'ALTER SEQUENCE legacy_seq OWNED BY nt.id', 'DROP TABLE nt']),
  ('owned by, drop column', false, ARRAY['CREATE TABLE nt(id int, x int)', 'ALTER SEQUENCE legacy_seq OWNED BY nt.id', 'ALTER TABLE nt DROP COLUMN id']),
  ('owned by none, drop table', false, ARRAY['CREATE TABLE nt(id int, x int)', 'ALTER SEQUENCE legacy_seq OWNED BY nt.id', 'ALTER SEQUENCE legacy_seq OWNED BY NONE', 'DROP TABLE nt']),
  ('foreign key, truncate cascade', false, ARRAY['CREATE TABLE p(id int PRIMARY KEY)', 'ALTER TABLE legacy ADD CONSTRAINT legacy_p FOREIGN KEY (id) REFERENCES p NOT VALID', 'TRUNCATE p CASCADE']),
  ('foreign key, drop cascade', false, ARRAY['CREATE TABLE p(id int PRIMARY KEY)', 'ALTER TABLE legacy ADD CONSTRAINT legacy_p FOREIGN KEY (id) REFERENCES p NOT VALID', 'DROP TABLE p CASCADE']),
  ('foreign key dropped, drop cascade', false, ARRAY['CREATE TABLE p(id int PRIMARY KEY)', 'ALTER TABLE legacy ADD CONSTRAINT legacy_p FOREIGN KEY (id) REFERENCES p NOT VALID', 'ALTER TABLE legacy DROP CONSTRAINT legacy_p', 'DROP TABLE p CASCADE']),
  ('on delete cascade, delete', true, ARRAY['CREATE TABLE p(id int PRIMARY KEY)', 'INSERT INTO p SELECT id FROM legacy', 'ALTER TABLE legacy ADD FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE', 'DELETE FROM p']),
  ('on delete cascade, delete where', false, ARRAY['CREATE TABLE p(id int PRIMARY KEY)', 'INSERT INTO p SELECT id FROM legacy', 'ALTER TABLE legacy ADD FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE', 'DELETE FROM p WHERE id = 1']),
  ('on delete set null, delete', true, ARRAY['CREATE TABLE p2(v text PRIMARY KEY)', 'INSERT INTO p2 SELECT v FROM legacy', 'ALTER TABLE legacy ADD FOREIGN KEY (v) REFERENCES p2 ON DELETE SET NULL', 'DELETE FROM p2']),
  ('on update cascade, update key', true, ARRAY['CREATE TABLE p(id int PRIMARY KEY, note text)', 'INSERT INTO p SELECT id FROM legacy', 'ALTER TABLE legacy ADD FOREIGN KEY (id) REFERENCES p ON UPDATE CASCADE', 'UPDATE p SET id = id + 100']),
  ('on update cascade, update other', false, ARRAY['CREATE TABLE p(id int PRIMARY KEY, note text)', 'INSERT INTO p SELECT id FROM legacy', 'ALTER TABLE legacy ADD FOREIGN KEY (id) REFERENCES p ON UPDATE CASCADE', 'UPDATE p SET note = ''x''']),
  ('column of a new type, drop type', false, ARRAY['CREATE TYPE mood AS ENUM (''a'')', 'ALTER TABLE legacy ADD COLUMN m mood', 'DROP TYPE mood CASCADE']),
  ('moved into a new schema, drop schema', false, ARRAY['CREATE SCHEMA ns', 'ALTER TABLE legacy SET SCHEMA ns', 'DROP SCHEMA ns CASCADE']),
  ('new schema, drop schema', false, ARRAY['CREATE SCHEMA ns', 'DROP SCHEMA ns']),
  ('new type, drop type cascade', false, ARRAY['CREATE TYPE nc AS (id int, v text)', 'DROP TYPE nc CASCADE']),
  ('new policy on an old table, drop policy', false, ARRAY['CREATE POLICY legacy_all ON legacy USING (true)', 'DROP POLICY legacy_all ON legacy']),
  ('new policy on a new table, drop policy', false, ARRAY['CREATE TABLE fresh(id int)', 'CREATE POLICY fresh_all ON fresh USING (true)', 'DROP POLICY fresh_all ON fresh']),
  ('new table, delete, drop', false, ARRAY['CREATE TABLE fresh(id int)', 'DELETE FROM fresh', 'TRUNCATE fresh', 'DROP TABLE fresh'])
  ) AS s(name, fk_action, statements);
SELECT count(*) AS scripts, count(*) FILTER (WHERE refused_at > 0) AS refused,
       count(*) FILTER (WHERE refused_at < 0) AS failed FROM pg_temp.script_parity;
-- foreign-key actions (fk_action) are compared once the guard judges them (when it refuses any of
-- them); the review blocks them either way (the second query lists any it does not)
SELECT name, refused_at, blocked_at FROM pg_temp.script_parity
 WHERE refused_at <> blocked_at
   AND NOT (fk_action AND NOT EXISTS (SELECT FROM pg_temp.script_parity WHERE fk_action AND refused_at > 0));
SELECT name, blocked_at FROM pg_temp.script_parity WHERE fk_action AND blocked_at = 0;
-- nothing was lost on the way
SELECT count(*) AS events, (SELECT count(*) FROM legacy) AS legacy FROM events;
