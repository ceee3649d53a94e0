--
-- review_script_code: rules and triggers the script creates or enables on an
-- existing table count for the DML that fires them later (found by attack3:
-- the review judged the DML against the catalog, which does not hold them
-- yet, and said SAFE TO DEPLOY while the guard refuses what they do).
--
-- A rule's actions are judged by the guard's classifier like the DML they are
-- (on the CREATE RULE); a later DML or COPY FROM on the table gets opaque_code
-- naming the rule or trigger (for its events, enabled as the script left it).
--
SET lock_timeout = '2s';
CREATE TABLE orders(id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 100) g;
CREATE TABLE log(id int);
CREATE TABLE log2(id int);
CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql
  AS $$BEGIN DELETE FROM orders; RETURN NULL; END$$;
CREATE TRIGGER t2 AFTER INSERT ON log2 FOR EACH STATEMENT EXECUTE FUNCTION wipe();
ALTER TABLE log2 DISABLE TRIGGER t2;
GRANT ALL ON orders, log, log2 TO mg_app;
ALTER TABLE orders OWNER TO mg_app;
ALTER TABLE log OWNER TO mg_app;
ALTER TABLE log2 OWNER TO mg_app;
ALTER FUNCTION wipe() OWNER TO mg_app;
SET ROLE mg_app;

-- 1. a rule created on an existing table, then fired
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM orders;
INSERT INTO log VALUES (1);
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM orders;
INSERT INTO log VALUES (1);
$m$) AS verdict;
-- what running it does
BEGIN;
SET lock_timeout = '1s';
CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM orders;
INSERT INTO log VALUES (1);
ROLLBACK;

-- 2. a trigger (user function) created on an existing table, then fired
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE TRIGGER t AFTER INSERT ON log FOR EACH STATEMENT EXECUTE FUNCTION wipe();
INSERT INTO log VALUES (1);
$m$);
BEGIN;
SET lock_timeout = '1s';
CREATE TRIGGER t AFTER INSERT ON log FOR EACH STATEMENT EXECUTE FUNCTION wipe();
INSERT INTO log VALUES (1);
ROLLBACK;

-- 3. an existing disabled trigger enabled by the script, then fired
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
ALTER TABLE log2 ENABLE TRIGGER t2;
INSERT INTO log2 VALUES (1);
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
ALTER TABLE log2 ENABLE TRIGGER t2;
INSERT INTO log2 VALUES (1);
$m$) AS verdict;
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE log2 ENABLE TRIGGER t2;
INSERT INTO log2 VALUES (1);
ROLLBACK;
SELECT count(*) FROM orders;

-- the messages
SELECT statement_no, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM orders;
INSERT INTO log VALUES (1);
CREATE TRIGGER t AFTER INSERT ON log FOR EACH STATEMENT EXECUTE FUNCTION wipe();
ALTER TABLE log2 ENABLE ALWAYS TRIGGER t2;
COPY log2 FROM stdin;
\.
$m$) WHERE rule IS NOT NULL ORDER BY statement_no;

-- a rule action that names NEW: judged, not guessed; with a WHERE it is no delete_without_where
SELECT statement_no, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE RULE r2 AS ON INSERT TO log DO ALSO DELETE FROM orders WHERE id = NEW.id;
CREATE RULE r3 AS ON UPDATE TO log DO INSTEAD NOTHING;
CREATE RULE r4 AS ON DELETE TO log DO ALSO UPDATE orders SET note = 'x';
$m$) ORDER BY statement_no;

-- events and enabling: an INSERT trigger does not fire on UPDATE; a disabled,
-- REPLICA-only or built-in one does not fire at all; a table the script creates is new
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE TRIGGER t AFTER INSERT ON log FOR EACH STATEMENT EXECUTE FUNCTION wipe();
UPDATE log SET id = 2 WHERE id = 1;
ALTER TABLE log DISABLE TRIGGER t;
INSERT INTO log VALUES (1);
ALTER TABLE log2 ENABLE REPLICA TRIGGER t2;
INSERT INTO log2 VALUES (1);
CREATE TRIGGER s BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
UPDATE orders SET note = 'y' WHERE id = 1;
CREATE TABLE fresh(id int);
CREATE TRIGGER f AFTER INSERT ON fresh FOR EACH STATEMENT EXECUTE FUNCTION wipe();
INSERT INTO fresh VALUES (1);
$m$) ORDER BY statement_no;
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
CREATE TRIGGER t AFTER INSERT ON log FOR EACH STATEMENT EXECUTE FUNCTION wipe();
ALTER TABLE log DISABLE TRIGGER t;
INSERT INTO log VALUES (1);
$m$) AS verdict;
RESET ROLE;
