--
-- volume_limit: migrate_guard.max_rows_changed and the rules mass_delete and
-- mass_update -- the setting, the limit, what counts, the flag and the audit
--
\set VERBOSITY terse
CREATE TABLE vt(id int PRIMARY KEY, v int NOT NULL DEFAULT 0);
INSERT INTO vt SELECT g, 0 FROM generate_series(1, 20) g;
GRANT ALL ON vt TO mg_app, mg_admin;
CREATE VIEW vt_state AS SELECT count(*) AS n, sum(v) AS total FROM vt;
GRANT SELECT ON vt_state TO mg_app, mg_admin;

-- the setting: off by default, in status(), the rules are valid names and blocked by default
SHOW migrate_guard.max_rows_changed;
SELECT setting, value FROM migrate_guard.status() WHERE setting = 'max_rows_changed';
SELECT value LIKE '%guard_tamper,mass_delete,mass_update' AS blocked_by_default
  FROM migrate_guard.status() WHERE setting = 'blocked_rules';
SET migrate_guard.blocked_rules = 'mass_delete, mass_update';
RESET migrate_guard.blocked_rules;
SET migrate_guard.max_rows_changed = -1;
SET migrate_guard.max_rows_changed = 'many';
-- off: anything goes
BEGIN;
DELETE FROM vt WHERE id > 0;
ROLLBACK;

-- only a superuser may change it: SET, set_config(), a function's SET clause, ALTER ROLE
SET ROLE mg_app;
SET migrate_guard.max_rows_changed = 100;
SELECT set_config('migrate_guard.max_rows_changed', '0', false);
CREATE FUNCTION app_unlimited() RETURNS void LANGUAGE sql
  SET migrate_guard.max_rows_changed = 0 AS 'SELECT 1';
ALTER ROLE mg_app SET migrate_guard.max_rows_changed = 0;
RESET ROLE;
-- a superuser sets it for a role or a database (here: scoped to this suite's database)
ALTER ROLE mg_app IN DATABASE :"DBNAME" SET migrate_guard.max_rows_changed = 7;
ALTER DATABASE :"DBNAME" SET migrate_guard.max_rows_changed = 9;
\c - mg_app
SHOW migrate_guard.max_rows_changed;
SET migrate_guard.max_rows_changed = 0;
DELETE FROM vt WHERE id <= 8;
SELECT * FROM vt_state;
\c - mg_admin
SHOW migrate_guard.max_rows_changed;
DELETE FROM vt WHERE id <= 10;
SELECT * FROM vt_state;
\c - postgres
ALTER ROLE mg_app IN DATABASE :"DBNAME" RESET migrate_guard.max_rows_changed;
ALTER DATABASE :"DBNAME" RESET migrate_guard.max_rows_changed;
\c
SHOW migrate_guard.max_rows_changed;

SET migrate_guard.max_rows_changed = 10;
SELECT setting, value FROM migrate_guard.status() WHERE setting = 'max_rows_changed';

-- DELETE: at the limit it runs, one row more is refused and changes nothing
BEGIN;
DELETE FROM vt WHERE id <= 10;
ROLLBACK;
DELETE FROM vt WHERE id <= 11;
SELECT * FROM vt_state;
-- whatever the WHERE clause looks like
DELETE FROM vt WHERE id = id;
DELETE FROM vt WHERE id > 0 OR v IS NULL;
SELECT * FROM vt_state;

-- UPDATE
BEGIN;
UPDATE vt SET v = 1 WHERE id > 10;
ROLLBACK;
UPDATE vt SET v = 1 WHERE id > 9;
SELECT * FROM vt_state;
-- with RETURNING: the rows already returned do not make it through either
UPDATE vt SET v = 1 WHERE id > 0 RETURNING id;
SELECT * FROM vt_state;

-- MERGE: updated and deleted rows count, each against the limit; inserted rows do not
BEGIN;
MERGE INTO vt USING generate_series(11, 35) g ON vt.id = g
  WHEN MATCHED THEN UPDATE SET v = 2 WHEN NOT MATCHED THEN INSERT VALUES (g, 3);
SELECT * FROM vt_state;
ROLLBACK;
MERGE INTO vt USING generate_series(10, 35) g ON vt.id = g
  WHEN MATCHED THEN UPDATE SET v = 2 WHEN NOT MATCHED THEN INSERT VALUES (g, 3);
MERGE INTO vt USING generate_series(1, 20) g ON vt.id = g
  WHEN MATCHED AND g % 4 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET v = 2;
MERGE INTO vt USING generate_series(1, 11) g ON vt.id = g WHEN MATCHED THEN DELETE;
SELECT * FROM vt_state;
BEGIN;
MERGE INTO vt USING generate_series(1, 20) g ON vt.id = g
  WHEN MATCHED AND g <= 10 THEN DELETE WHEN MATCHED THEN UPDATE SET v = 2;
SELECT * FROM vt_state;
ROLLBACK;

-- INSERT ... ON CONFLICT DO UPDATE: the updated rows count, the inserted ones do not
BEGIN;
INSERT INTO vt SELECT g, 5 FROM generate_series(11, 40) g ON CONFLICT (id) DO UPDATE SET v = 5;
SELECT * FROM vt_state;
ROLLBACK;
INSERT INTO vt SELECT g, 5 FROM generate_series(10, 40) g ON CONFLICT (id) DO UPDATE SET v = 5;
INSERT INTO vt SELECT g, 5 FROM generate_series(10, 40) g ON CONFLICT (id) DO UPDATE SET v = 5 RETURNING id;
SELECT * FROM vt_state;
-- conflicts that update nothing (DO NOTHING, a DO UPDATE ... WHERE that is false) do not count
BEGIN;
INSERT INTO vt SELECT g, 5 FROM generate_series(1, 40) g ON CONFLICT (id) DO NOTHING;
INSERT INTO vt SELECT g, 5 FROM generate_series(1, 60) g ON CONFLICT (id) DO UPDATE SET v = 6 WHERE vt.id > 50;
SELECT * FROM vt_state;
ROLLBACK;

-- counted as rows really change: rows a BEFORE trigger skips, or that a join
-- produces twice, do not count
CREATE FUNCTION keep_most() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.id % 5 <> 0 THEN RETURN NULL; END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER vt_keep_most BEFORE DELETE ON vt FOR EACH ROW EXECUTE FUNCTION keep_most();
BEGIN;
DELETE FROM vt WHERE id > 0;
SELECT * FROM vt_state;
ROLLBACK;
DROP TRIGGER vt_keep_most ON vt;
CREATE FUNCTION keep_most_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id % 5 <> 0 THEN RETURN NULL; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER vt_keep_most BEFORE UPDATE ON vt FOR EACH ROW EXECUTE FUNCTION keep_most_new();
BEGIN;
INSERT INTO vt SELECT g, 7 FROM generate_series(1, 40) g ON CONFLICT (id) DO UPDATE SET v = 7;
SELECT * FROM vt_state;
ROLLBACK;
DROP TRIGGER vt_keep_most ON vt;
-- rewriting a row with the same value is changing it
UPDATE vt SET v = v WHERE id > 0;
CREATE TABLE twice(id int);
INSERT INTO twice SELECT g FROM generate_series(1, 10) g UNION ALL SELECT g FROM generate_series(1, 10) g;
BEGIN;
UPDATE vt SET v = v + 1 FROM twice WHERE twice.id = vt.id;
SELECT * FROM vt_state;
ROLLBACK;
INSERT INTO twice VALUES (11);
UPDATE vt SET v = v + 1 FROM twice WHERE twice.id = vt.id;

-- the refusal: SQLSTATE MG001, the table, the count reached and the limit, the usual hint
\set VERBOSITY default
DELETE FROM vt WHERE id > 0;
UPDATE vt SET v = 9 WHERE id > 0;
\set VERBOSITY terse
SELECT * FROM vt_state;
DO $$ BEGIN DELETE FROM vt WHERE id > 0;
EXCEPTION WHEN SQLSTATE 'MG001' THEN RAISE NOTICE 'caught %', SQLSTATE; END $$;
-- every refusal is in blocked_attempts
SELECT rule, object_identity, statement, repeat_count FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt DESC LIMIT 3;

-- the flag unlocks it (for a member of the admin role); rows changed under it are audited
SET ROLE mg_app;
SET migrate_guard.allow_destructive = on;
DELETE FROM vt WHERE id > 5;
RESET ROLE;
SET ROLE mg_admin;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'TICKET-11: reset the demo rows';
UPDATE vt SET v = 1 WHERE id > 5;
DELETE FROM vt WHERE id > 4;
COMMIT;
RESET ROLE;
SELECT * FROM vt_state;
SELECT session_role, "current_role", command_tag, object_type, schema_name, object_identity, rule, overridden, reason,
       event, detail, statement
  FROM migrate_guard.ddl_log WHERE rule IN ('mass_delete', 'mass_update') ORDER BY id;
-- with require_reason the flag needs a reason
SET migrate_guard.require_reason = on;
INSERT INTO vt SELECT g, 0 FROM generate_series(5, 20) g;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DELETE FROM vt WHERE id > 0;
ROLLBACK;
RESET migrate_guard.require_reason;
SELECT * FROM vt_state;

-- warn mode: a WARNING, the statement runs, an audit row
SET migrate_guard.mode = warn;
\set VERBOSITY default
BEGIN;
UPDATE vt SET v = 3 WHERE id > 0;
SELECT * FROM vt_state;
SELECT rule, overridden, detail FROM migrate_guard.ddl_log ORDER BY id DESC LIMIT 1;
ROLLBACK;
\set VERBOSITY terse
-- mode off: no checks
SET migrate_guard.mode = off;
BEGIN;
UPDATE vt SET v = 3 WHERE id > 0;
ROLLBACK;
RESET migrate_guard.mode;

-- a rule left out of blocked_rules is only audited
SET migrate_guard.blocked_rules = 'mass_update';
BEGIN;
DELETE FROM vt WHERE id > 0;
SELECT rule, overridden, detail FROM migrate_guard.ddl_log ORDER BY id DESC LIMIT 1;
ROLLBACK;
UPDATE vt SET v = 4 WHERE id > 0;
RESET migrate_guard.blocked_rules;
-- limit 0 turns it off again
SET migrate_guard.max_rows_changed = 0;
BEGIN;
DELETE FROM vt WHERE id > 0;
ROLLBACK;
SET migrate_guard.max_rows_changed = 10;

-- never refused: temporary tables, tables created earlier in the same transaction
CREATE TEMP TABLE scratch AS SELECT g AS id FROM generate_series(1, 50) g;
DELETE FROM scratch WHERE id > 0;
BEGIN;
CREATE TABLE fresh AS SELECT g AS id FROM generate_series(1, 50) g;
UPDATE fresh SET id = id + 1 WHERE id > 0;
DELETE FROM fresh WHERE id > 0;
COMMIT;
INSERT INTO fresh SELECT g FROM generate_series(1, 50) g;
DELETE FROM fresh WHERE id > 0;
SELECT count(*) FROM fresh;

-- a refusal aborts the transaction it is part of: nothing of it stays
BEGIN;
INSERT INTO vt VALUES (100, 100);
DELETE FROM vt WHERE id > 0;
COMMIT;
SELECT * FROM vt_state;
