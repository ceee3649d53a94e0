--
-- review_replication_role: SET session_replication_role = replica (found by
-- attack3: rated ok) switches foreign keys and ordinary triggers off and
-- REPLICA triggers on. The SET is a `session_replication_role` finding
-- (danger), and the review replays it: a trigger enabled REPLICA counts for
-- later DML (opaque_code), in SET, SET LOCAL and set_config() forms.
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT generate_series(1, 10);
CREATE TABLE log5(id int);
CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql
  AS $$BEGIN DELETE FROM orders; RETURN NULL; END$$;
CREATE TRIGGER t5 AFTER INSERT ON log5 FOR EACH STATEMENT EXECUTE FUNCTION wipe();
ALTER TABLE log5 ENABLE REPLICA TRIGGER t5;
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
SET session_replication_role = replica;
INSERT INTO log5 VALUES (1);
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
SET session_replication_role = replica;
INSERT INTO log5 VALUES (1);
$m$) AS verdict;
-- what running it does
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO log5 VALUES (1);
ROLLBACK;

-- the message; SET LOCAL in a block, set_config(); RESET brings ordinary triggers back
CREATE TRIGGER t6 AFTER INSERT ON log5 FOR EACH STATEMENT EXECUTE FUNCTION wipe();
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
SET session_replication_role = replica;
$m$) WHERE rule IS NOT NULL;
SELECT statement_no, command_tag, rule, severity, substring(message from 'through trigger \S+') AS fires
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
BEGIN;
SET LOCAL session_replication_role = 'replica';
INSERT INTO log5 VALUES (1);
COMMIT;
SELECT pg_catalog.set_config('session_replication_role', 'replica', false);
INSERT INTO log5 VALUES (1);
RESET session_replication_role;
INSERT INTO log5 VALUES (1);
SET session_replication_role = origin;
$m$) ORDER BY statement_no;
-- without the SET, the REPLICA trigger does not fire: nothing to say
DROP TRIGGER t6 ON log5;
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
INSERT INTO log5 VALUES (1);
$m$) AS verdict_replica_trigger_only;

