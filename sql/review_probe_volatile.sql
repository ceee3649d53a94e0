--
-- review_probe_volatile: the data probes (probe => true) never run a VOLATILE
-- function, built in or not: a CHECK expression calling one is skipped (ok,
-- "probe skipped ..."), as one calling a function defined in the database,
-- and so is a probe of a table whose row-level security policy calls one.
-- Built-in functions never pass fmgr's hooks, so the probe itself checks its
-- analyzed and rewritten query.  Nothing the probe would have done happened:
-- no advisory lock left, no sequence advanced, no statistics reset.  Nor
-- does parsing a literal whose input would check a domain that calls one.
--
CREATE TABLE customers(id int PRIMARY KEY, email text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;
CREATE SEQUENCE probe_seq;

SELECT rule, severity, message FROM migrate_guard.check_migration($m$
ALTER TABLE customers ADD CONSTRAINT c1 CHECK (pg_try_advisory_lock(id) IS NOT NULL);
ALTER TABLE customers ADD CONSTRAINT c2 CHECK (nextval('probe_seq') > 0);
ALTER TABLE customers ADD CONSTRAINT c3 CHECK (setval('probe_seq', id) > 0);
ALTER TABLE customers ADD CONSTRAINT c4 CHECK (random() >= 0 AND id > 0);
ALTER TABLE customers ADD CONSTRAINT c5 CHECK (id > 0 OR pg_stat_reset() IS NULL);
ALTER TABLE customers ADD CONSTRAINT c6 CHECK (id > 0);
$m$, probe => true) WHERE rule LIKE '%violation' ORDER BY statement_no;
SELECT count(*) AS advisory_locks_left FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid();
SELECT last_value, is_called FROM probe_seq;

-- a row-level security policy that calls a volatile function: the probe would run it on every row
ALTER TABLE customers OWNER TO mg_app;
SET ROLE mg_app;
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone ON customers USING (pg_try_advisory_lock(id) IS NOT NULL);
SELECT rule, severity, message FROM migrate_guard.check_migration($m$
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
ALTER TABLE customers ADD CONSTRAINT c6 CHECK (id > 0);
ALTER TABLE customers ADD CONSTRAINT u UNIQUE (email);
$m$, probe => true) WHERE rule LIKE '%violation' ORDER BY statement_no;
SELECT count(*) AS advisory_locks_left FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid();
-- a policy without one: the probes run (replacing a policy's expression is drop_policy to the guard)
RESET ROLE;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER POLICY everyone ON customers USING (id > 0);
COMMIT;
SET ROLE mg_app;
SELECT rule, severity, message FROM migrate_guard.check_migration(
  'ALTER TABLE customers ALTER COLUMN email SET NOT NULL;', probe => true) WHERE rule LIKE '%violation';
RESET ROLE;

-- a domain whose CHECK calls a volatile built-in: the input function of an
-- array (composite, range) literal checks it while the statement is only
-- parsed; the review does not parse such a literal (not_reviewed), and
-- judges every other statement as usual
CREATE DOMAIN locking_int AS int CHECK (pg_try_advisory_lock(VALUE) IS NOT NULL);
CREATE TABLE tagged(id int PRIMARY KEY, tags locking_int[]);
SELECT statement_no, rule, severity, message FROM migrate_guard.check_migration($m$
INSERT INTO tagged VALUES (1, '{1,2}');
UPDATE tagged SET tags = ' { 3 } ' WHERE id = 1;
ALTER TABLE tagged ADD COLUMN more locking_int[] DEFAULT '{4}';
DELETE FROM tagged WHERE id = 1;
$m$) ORDER BY statement_no;
SELECT count(*) AS advisory_locks_left FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid();
-- what parsing alone does
PREPARE p AS INSERT INTO tagged VALUES (1, '{1,2}');
SELECT count(*) AS advisory_locks_after_parsing FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid();
SELECT pg_advisory_unlock_all();
