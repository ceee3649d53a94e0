--
-- audit_ddl: every DDL change has its row(s) in migrate_guard.ddl_log,
-- written in the transaction of the change
--
\set VERBOSITY terse
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE FUNCTION log_since(bigint)
RETURNS TABLE(command_tag text, object_type text, schema_name text, object_identity text, statement text,
              rule text, overridden boolean, event text)
LANGUAGE sql AS $$
  SELECT command_tag, object_type, schema_name, object_identity, statement, rule, overridden, event
    FROM migrate_guard.ddl_log WHERE id > $1 ORDER BY id
$$;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- tables, indexes, views, functions, types, schemas, policies, GRANT/REVOKE, COMMENT
CREATE SCHEMA shop;
CREATE TABLE shop.orders(id int PRIMARY KEY, total numeric);
ALTER TABLE shop.orders ADD COLUMN note text;
CREATE INDEX orders_total ON shop.orders(total);
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE total > 100;
CREATE FUNCTION shop.order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM shop.orders';
CREATE TYPE shop.status AS ENUM ('open', 'paid');
ALTER TYPE shop.status ADD VALUE 'refunded';
CREATE POLICY orders_all ON shop.orders USING (true);
ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON shop.orders TO mg_app;
REVOKE SELECT ON shop.orders FROM mg_app;
COMMENT ON TABLE shop.orders IS 'orders';
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- rolled-back DDL leaves no row; a committed transaction keeps all of its rows
BEGIN;
CREATE TABLE shop.scratch(id int);
ALTER TABLE shop.orders ADD COLUMN ghost int;
ROLLBACK;
BEGIN;
CREATE TABLE shop.kept(id int);
SAVEPOINT s;
CREATE TABLE shop.undone(id int);
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- a cascade lists every dropped object, and the statement is marked overridden
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'TICKET-7: retire the shop schema';
DROP SCHEMA shop CASCADE;
COMMIT;
SELECT * FROM log_since(:mark);
SELECT DISTINCT reason FROM migrate_guard.ddl_log WHERE id > :mark;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- a multi-statement string gives one precise statement per row
CREATE TABLE a1(id int) \; CREATE TABLE a2(id int) \; COMMENT ON TABLE a1 IS 'one';
SELECT command_tag, object_identity, statement FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- DDL inside DO blocks and functions: the statement that ran and the top-level one
DO $$ BEGIN EXECUTE 'CREATE TABLE from_do(id int)'; END $$;
CREATE FUNCTION make_table(name text) RETURNS void LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE format('CREATE TABLE %I(id int)', name); END $$;
SELECT make_table('from_function');
SELECT command_tag, object_identity, statement, top_statement
  FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- a rewrite is recorded
INSERT INTO a1 VALUES (1);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER TABLE a1 ALTER COLUMN id TYPE bigint;
COMMIT;
SELECT command_tag, object_identity, rule, overridden, event, detail
  FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- TRUNCATE: every table it empties, partitions and CASCADE targets included
CREATE TABLE parent(id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE parent_1 PARTITION OF parent FOR VALUES FROM (0) TO (100);
CREATE TABLE child(id int REFERENCES parent);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
TRUNCATE parent CASCADE;
COMMIT;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- dropping a foreign key lists the constraint, not PostgreSQL's internal triggers
ALTER TABLE child DROP CONSTRAINT child_id_fkey;
SELECT command_tag, object_type, object_identity, event FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- DELETE without WHERE run under the flag, or in warn mode, is audited too
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DELETE FROM a2;
COMMIT;
SET migrate_guard.mode = warn;
UPDATE a2 SET id = 0;
RESET migrate_guard.mode;
SELECT * FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- session_replication_role = replica does not silence the audit
SET session_replication_role = replica;
CREATE TABLE during_replica(id int);
RESET session_replication_role;
SELECT command_tag, object_identity FROM log_since(:mark);
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset

-- roles, databases, ALTER SYSTEM, event triggers: logged by the hook;
-- passwords never reach the log
CREATE ROLE audit_bob LOGIN PASSWORD 'hunter2';
ALTER ROLE audit_bob WITH ENCRYPTED PASSWORD E'it''s a secret';
ALTER ROLE audit_bob PASSWORD NULL;
ALTER ROLE audit_bob SET work_mem = '8MB';
GRANT mg_app TO audit_bob;
CREATE DATABASE audit_scratch;
ALTER DATABASE audit_scratch SET work_mem = '8MB';
COMMENT ON DATABASE audit_scratch IS 'scratch';
SET migrate_guard.allow_destructive = on;
DROP DATABASE audit_scratch;
RESET migrate_guard.allow_destructive;
DROP ROLE audit_bob;
ALTER SYSTEM SET work_mem = '4MB';
ALTER SYSTEM RESET work_mem;
CREATE FUNCTION noop_evt() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER audit_noop ON ddl_command_start EXECUTE FUNCTION noop_evt();
DROP EVENT TRIGGER audit_noop;
SELECT command_tag, object_type, object_identity, statement, rule, event FROM log_since(:mark);
SELECT count(*) AS rows_with_a_password FROM migrate_guard.ddl_log
 WHERE statement ~ '(hunter2|secret)' OR top_statement ~ '(hunter2|secret)';

-- the role that ran the statement, and the session's
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
SET ROLE mg_app;
CREATE TABLE app_table(id int);
RESET ROLE;
SELECT session_role, "current_role", command_tag, object_identity,
       backend_pid = pg_backend_pid() AS this_backend, txid IS NOT NULL AS has_txid,
       logged_at <= clock_timestamp() AS in_the_past
  FROM migrate_guard.ddl_log WHERE id > :mark;
