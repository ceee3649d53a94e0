--
-- review_tamper_effects: guard_tamper that the guard decides at the point of
-- effect (object_access_hook, new_dependencies, setval() when planned), not
-- in classify_utility(): the review predicts it from the statement with the
-- guard's own knowledge of what belongs to migrate_guard (ext_objects.h) and
-- says what decide() would do.  Each statement is then run, and the guard
-- refuses each one the review marks blocked (review and enforcement agree).
--
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
SELECT setval('migrate_guard.ddl_log_id_seq', 1);
CREATE VIEW spy AS SELECT * FROM migrate_guard._blocked_attempts();
CREATE FUNCTION hook() RETURNS event_trigger LANGUAGE c AS 'migrate_guard', 'mg_on_ddl_command_end';
COMMENT ON TABLE migrate_guard.ddl_log IS 'x';
CREATE INDEX ON migrate_guard.ddl_log (statement);
CREATE TABLE kid () INHERITS (migrate_guard.ddl_log);
GRANT SELECT ON migrate_guard.ddl_log TO PUBLIC;
CREATE PUBLICATION pub FOR TABLE migrate_guard.ddl_log;
CREATE TABLE refs (id bigint REFERENCES migrate_guard.fk_expectations (id));
CREATE TABLE kid2 (LIKE migrate_guard.ddl_log);
ALTER TABLE kid2 INHERIT migrate_guard.ddl_log;
CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION migrate_guard._on_ddl_command_end();
$m$);
-- hung on its tables, or created in its schema
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE POLICY p ON migrate_guard.ddl_log USING (true);
CREATE RULE r AS ON INSERT TO migrate_guard.ddl_log DO INSTEAD NOTHING;
CREATE STATISTICS st ON id, statement FROM migrate_guard.ddl_log;
CREATE TABLE migrate_guard.extra (id int);
CREATE FUNCTION migrate_guard.helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE VIEW migrate_guard.v AS SELECT 1 AS one;
$m$);
-- setval() in a statement the script prepares, run by EXECUTE
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$PREPARE s AS SELECT setval('migrate_guard.ddl_log_id_seq', 1);
EXECUTE s;
$m$);
-- messages name the object and the reason (the guard's DETAIL where it has its own)
SELECT statement_no, message
  FROM migrate_guard.check_migration($m$SELECT setval('migrate_guard.ddl_log_id_seq', 1);
CREATE VIEW spy AS SELECT * FROM migrate_guard._blocked_attempts();
CREATE FUNCTION hook() RETURNS event_trigger LANGUAGE c AS 'migrate_guard', 'mg_on_ddl_command_end';
CREATE INDEX ON migrate_guard.ddl_log (statement);
CREATE TABLE kid () INHERITS (migrate_guard.ddl_log);
$m$) WHERE rule = 'guard_tamper';
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
COMMENT ON TABLE migrate_guard.ddl_log IS 'x';
GRANT SELECT ON migrate_guard.ddl_log TO PUBLIC;
CREATE TABLE kid () INHERITS (migrate_guard.ddl_log);
$m$) AS verdict;
-- the other side: the same statements on the user's own objects are not guard_tamper
CREATE TABLE mine (id bigserial PRIMARY KEY, statement text);
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
SELECT setval('mine_id_seq', 1);
SELECT nextval('migrate_guard.fk_expectations_id_seq');
CREATE VIEW v AS SELECT * FROM migrate_guard.status();
CREATE FUNCTION f() RETURNS int LANGUAGE c AS 'plpgsql', 'plpgsql_call_handler';
COMMENT ON TABLE mine IS 'x';
CREATE TABLE kid () INHERITS (mine);
GRANT SELECT ON mine TO PUBLIC;
$m$);
-- under the flag, decide() lets it run: danger, not blocked
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration($m$CREATE INDEX ON migrate_guard.ddl_log (statement);
SELECT setval('migrate_guard.ddl_log_id_seq', 1);
$m$) WHERE rule = 'guard_tamper';
ROLLBACK;
-- what running them does (each alone)
SELECT setval('migrate_guard.ddl_log_id_seq', 1);
CREATE VIEW spy AS SELECT * FROM migrate_guard._blocked_attempts();
CREATE FUNCTION hook() RETURNS event_trigger LANGUAGE c AS 'migrate_guard', 'mg_on_ddl_command_end';
COMMENT ON TABLE migrate_guard.ddl_log IS 'x';
CREATE INDEX ON migrate_guard.ddl_log (statement);
CREATE TABLE kid () INHERITS (migrate_guard.ddl_log);
GRANT SELECT ON migrate_guard.ddl_log TO PUBLIC;
CREATE TABLE refs (id bigint REFERENCES migrate_guard.fk_expectations (id));
CREATE TABLE kid2 (LIKE migrate_guard.ddl_log);
ALTER TABLE kid2 INHERIT migrate_guard.ddl_log;
CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION migrate_guard._on_ddl_command_end();
CREATE POLICY p ON migrate_guard.ddl_log USING (true);
CREATE RULE r AS ON INSERT TO migrate_guard.ddl_log DO INSTEAD NOTHING;
CREATE STATISTICS st ON id, statement FROM migrate_guard.ddl_log;
CREATE TABLE migrate_guard.extra (id int);
CREATE FUNCTION migrate_guard.helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE VIEW migrate_guard.v AS SELECT 1 AS one;
PREPARE s AS SELECT setval('migrate_guard.ddl_log_id_seq', 1);
EXECUTE s;
