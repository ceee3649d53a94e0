--
-- guard_tamper: any DDL, GRANT/REVOKE or write touching an object of the
-- extension (or anything in schema migrate_guard) is refused, flag off,
-- superuser included; the library's own writes keep working
--
\set VERBOSITY default
SELECT count(*) AS log_rows FROM migrate_guard.ddl_log \gset
SELECT last_value AS log_seq FROM migrate_guard.ddl_log_id_seq \gset

-- forged rows, directly or through a plain role given the right
INSERT INTO migrate_guard.ddl_log(command_tag, session_role) VALUES ('DROP TABLE', 'someone_else');
INSERT INTO migrate_guard.ddl_log SELECT * FROM migrate_guard.ddl_log LIMIT 1;
COPY migrate_guard.ddl_log(command_tag) FROM STDIN;
\.
WITH f AS (INSERT INTO migrate_guard.ddl_log(command_tag) VALUES ('x') RETURNING 1) SELECT count(*) FROM f;
MERGE INTO migrate_guard.ddl_log l USING (VALUES (-1)) v(id) ON l.id = v.id WHEN NOT MATCHED THEN INSERT (command_tag) VALUES ('x');
GRANT INSERT ON migrate_guard.ddl_log TO mg_app;
GRANT ALL ON ALL TABLES IN SCHEMA migrate_guard TO mg_app;
GRANT UPDATE (reason) ON migrate_guard.ddl_log TO mg_app;
REVOKE SELECT ON migrate_guard.ddl_log FROM migrate_guard_admin;
GRANT USAGE, UPDATE ON SEQUENCE migrate_guard.ddl_log_id_seq TO mg_app;
GRANT EXECUTE ON FUNCTION migrate_guard.purge_ddl_log(interval) TO mg_app;
REVOKE USAGE ON SCHEMA migrate_guard FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA migrate_guard GRANT INSERT ON TABLES TO mg_app;
-- a table whose rows would show up in the log
CREATE TABLE fakelog () INHERITS (migrate_guard.ddl_log);
CREATE TABLE fakelog2 (LIKE migrate_guard.ddl_log);
ALTER TABLE fakelog2 INHERIT migrate_guard.ddl_log;
-- replacing the extension's functions silences the audit
CREATE OR REPLACE FUNCTION migrate_guard._on_ddl_command_end() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE OR REPLACE FUNCTION migrate_guard.status() RETURNS TABLE(setting text, value text) LANGUAGE sql AS 'SELECT NULL::text, NULL::text';
ALTER FUNCTION migrate_guard.purge_ddl_log(interval) SECURITY DEFINER;
ALTER FUNCTION migrate_guard.status() RENAME TO old_status;
-- the log's sequence
SELECT setval('migrate_guard.ddl_log_id_seq', 1);
SELECT setval('migrate_guard.ddl_log_id_seq', 1, false);
SELECT nextval('migrate_guard.ddl_log_id_seq');
DO $$ BEGIN PERFORM setval('migrate_guard.ddl_log_id_seq', 5); END $$;
DO $$ DECLARE v bigint; BEGIN v := nextval('migrate_guard.ddl_log_id_seq'); END $$;
CREATE FUNCTION reset_log_ids() RETURNS bigint LANGUAGE sql AS $$ SELECT setval('migrate_guard.ddl_log_id_seq', 1) $$;
SELECT reset_log_ids();
CREATE TABLE steals_ids(id bigint DEFAULT nextval('migrate_guard.ddl_log_id_seq'));
INSERT INTO steals_ids DEFAULT VALUES;
DO $$ BEGIN EXECUTE format('SELECT setval(%L, 1)', 'migrate_guard.ddl_log_id_seq'); END $$;
ALTER SEQUENCE migrate_guard.ddl_log_id_seq MAXVALUE 5;
ALTER SEQUENCE migrate_guard.ddl_log_id_seq RESTART;
ALTER SEQUENCE migrate_guard.ddl_log_id_seq RENAME TO gone_seq;
ALTER SEQUENCE migrate_guard.ddl_log_id_seq OWNED BY NONE;
-- rules, triggers, indexes, policies, statistics, publications on its tables
CREATE RULE keep AS ON DELETE TO migrate_guard.ddl_log DO INSTEAD NOTHING;
CREATE FUNCTION noop_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE TRIGGER swallow BEFORE INSERT ON migrate_guard.ddl_log FOR EACH ROW EXECUTE FUNCTION noop_trg();
CREATE INDEX ON migrate_guard.ddl_log (logged_at);
CREATE POLICY hide ON migrate_guard.ddl_log USING (false);
CREATE STATISTICS log_stats ON command_tag, object_type FROM migrate_guard.ddl_log;
CREATE PUBLICATION log_pub FOR TABLE migrate_guard.ddl_log;
CREATE PUBLICATION log_pub2 FOR TABLES IN SCHEMA migrate_guard;
CREATE PUBLICATION log_pub3;
ALTER PUBLICATION log_pub3 ADD TABLE migrate_guard.ddl_log;
CREATE TABLE refs_snapshot(id bigint REFERENCES migrate_guard.row_count_snapshots);
ALTER TABLE migrate_guard.ddl_log ADD COLUMN extra int;
ALTER TABLE migrate_guard.ddl_log ALTER COLUMN reason SET DEFAULT 'approved';
ALTER TABLE migrate_guard.ddl_log OWNER TO mg_app;
-- comments, labels, owners
COMMENT ON TABLE migrate_guard.ddl_log IS 'nothing to see';
COMMENT ON COLUMN migrate_guard.ddl_log.reason IS 'x';
COMMENT ON FUNCTION migrate_guard.status() IS 'x';
COMMENT ON EXTENSION migrate_guard IS 'x';
COMMENT ON SCHEMA migrate_guard IS 'x';
COMMENT ON EVENT TRIGGER migrate_guard_sql_drop IS 'x';
ALTER FUNCTION migrate_guard.status() OWNER TO mg_app;
ALTER EVENT TRIGGER migrate_guard_sql_drop OWNER TO mg_app;
ALTER SCHEMA migrate_guard OWNER TO mg_app;
ALTER VIEW migrate_guard.blocked_attempts RENAME TO attempts;
-- new objects inside schema migrate_guard
CREATE TABLE migrate_guard.mine(id int);
CREATE VIEW migrate_guard.v AS SELECT 1 AS one;
CREATE FUNCTION migrate_guard.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TYPE migrate_guard.t AS (id int);
CREATE SEQUENCE migrate_guard.s;
CREATE TABLE moved(id int);
ALTER TABLE moved SET SCHEMA migrate_guard;
-- in warn and off mode too, and for a plain role holding a grant given earlier under the flag
SET migrate_guard.mode = off;
INSERT INTO migrate_guard.ddl_log(command_tag) VALUES ('x');
SELECT setval('migrate_guard.ddl_log_id_seq', 1);
RESET migrate_guard.mode;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
GRANT INSERT ON migrate_guard.ddl_log TO mg_app;
COMMIT;
SET ROLE mg_app;
INSERT INTO migrate_guard.ddl_log(command_tag) VALUES ('forged by mg_app');
RESET ROLE;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
REVOKE INSERT ON migrate_guard.ddl_log FROM mg_app;
COMMIT;

-- still allowed: reading, views over the log, functions taking its rows, the library's own writes
CREATE VIEW recent AS SELECT id, command_tag FROM migrate_guard.ddl_log;
CREATE FUNCTION tag_of(migrate_guard.ddl_log) RETURNS text LANGUAGE sql AS 'SELECT $1.command_tag';
SELECT count(*) >= 0 AS readable FROM recent;
SELECT count(*) > 0 AS snapshot_stored FROM migrate_guard.snapshot_row_counts('tamper-test', ARRAY['public']);
SELECT count(*) AS snapshots FROM migrate_guard.row_count_snapshots WHERE label = 'tamper-test';
INSERT INTO migrate_guard.fk_expectations("table", "references", on_delete) VALUES ('recent', 'recent', 'CASCADE');
DELETE FROM migrate_guard.fk_expectations WHERE "table" = 'recent';
SELECT nextval('migrate_guard.fk_expectations_id_seq') > 0 AS user_sequence;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT migrate_guard.purge_ddl_log('100 years');
ROLLBACK;
ALTER EVENT TRIGGER migrate_guard_sql_drop ENABLE ALWAYS;
ALTER EXTENSION migrate_guard UPDATE;

SELECT rule, object_identity, left(statement, 60) AS statement, repeat_count FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;

-- nothing changed: no forged row, the sequence goes on, no object was added or altered
SELECT count(*) FILTER (WHERE command_tag IN ('x', 'forged by mg_app') OR session_role = 'someone_else') AS forged
  FROM migrate_guard.ddl_log;
SELECT s.last_value >= :log_seq AS sequence_intact, q.max_value > 1000 AS no_maxvalue
  FROM migrate_guard.ddl_log_id_seq s, pg_sequences q WHERE q.sequencename = 'ddl_log_id_seq';
SELECT c.relname, c.relhasrules, c.relhastriggers, c.relrowsecurity, pg_get_userbyid(c.relowner) = current_user AS owner_kept,
       obj_description(c.oid, 'pg_class') AS comment
  FROM pg_class c WHERE c.oid = 'migrate_guard.ddl_log'::regclass;
SELECT count(*) AS indexes FROM pg_index WHERE indrelid = 'migrate_guard.ddl_log'::regclass;
SELECT count(*) AS children FROM pg_inherits WHERE inhparent = 'migrate_guard.ddl_log'::regclass;
SELECT has_table_privilege('mg_app', 'migrate_guard.ddl_log', 'INSERT') AS app_may_insert,
       has_table_privilege('migrate_guard_admin', 'migrate_guard.ddl_log', 'SELECT') AS admin_may_read;
SELECT p.proname, p.prosecdef, pg_get_userbyid(p.proowner) = current_user AS owner_kept
  FROM pg_proc p WHERE p.pronamespace = 'migrate_guard'::regnamespace ORDER BY p.proname;
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'migrate_guard'::regnamespace ORDER BY relname;
SELECT evtname, pg_get_userbyid(evtowner) = current_user AS owner_kept FROM pg_event_trigger ORDER BY evtname;
SELECT count(*) AS default_acls FROM pg_default_acl;
SELECT count(*) AS publications FROM pg_publication_rel;
