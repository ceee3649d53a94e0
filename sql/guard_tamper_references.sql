--
-- guard_tamper_references: the extension's internal functions (its event
-- trigger functions and the functions named _*) and the C functions of its
-- library are its own: an event trigger, trigger, view, default, policy,
-- constraint, cast, operator, aggregate or function of anyone else that calls
-- or references them is guard_tamper (superuser, flag off)
--
\set VERBOSITY default

-- event triggers running the audit's own functions would forge rows
CREATE EVENT TRIGGER extra_rows ON ddl_command_start EXECUTE FUNCTION migrate_guard._on_ddl_command_end();
CREATE EVENT TRIGGER dup_rows ON ddl_command_end EXECUTE FUNCTION migrate_guard._on_ddl_command_end();
CREATE EVENT TRIGGER dup_drops ON sql_drop EXECUTE FUNCTION migrate_guard._on_sql_drop();
CREATE EVENT TRIGGER dup_rewrites ON table_rewrite WHEN TAG IN ('ALTER TABLE') EXECUTE PROCEDURE migrate_guard._on_table_rewrite();
DO $$ BEGIN CREATE EVENT TRIGGER in_do ON ddl_command_end EXECUTE FUNCTION migrate_guard._on_ddl_command_end(); END $$;
-- ... or a function of one's own bound to the library's C code
CREATE FUNCTION fake_audit() RETURNS event_trigger LANGUAGE c AS 'migrate_guard', 'mg_on_ddl_command_end';
CREATE FUNCTION fake_audit() RETURNS event_trigger LANGUAGE c AS '$libdir/migrate_guard', 'mg_on_sql_drop';
CREATE FUNCTION my_status() RETURNS TABLE(setting text, value text) LANGUAGE c AS '$libdir/migrate_guard', 'mg_status';
CREATE FUNCTION replaced() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE OR REPLACE FUNCTION replaced() RETURNS event_trigger LANGUAGE c AS 'migrate_guard', 'mg_on_ddl_command_end';
-- any other object using the internal functions
CREATE VIEW attempts_raw AS SELECT * FROM migrate_guard._blocked_attempts();
CREATE VIEW old_view AS SELECT 1 AS one;
CREATE OR REPLACE VIEW old_view AS SELECT 1 AS one WHERE migrate_guard._preloaded();
CREATE MATERIALIZED VIEW mv AS SELECT migrate_guard._preloaded() AS p;
CREATE TABLE d(x bool DEFAULT migrate_guard._preloaded());
CREATE TABLE d(x bool);
ALTER TABLE d ALTER COLUMN x SET DEFAULT migrate_guard._preloaded();
ALTER TABLE d ADD CONSTRAINT c CHECK (x = migrate_guard._preloaded());
ALTER TABLE d ENABLE ROW LEVEL SECURITY;
CREATE POLICY uses ON d USING (x AND migrate_guard._count_visible(0, 'd'));
BEGIN;
CREATE TABLE fresh(x bool);
CREATE POLICY uses ON fresh USING (x);
ALTER POLICY uses ON fresh WITH CHECK (x = migrate_guard._preloaded());
ROLLBACK;
CREATE FUNCTION d_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER when_clause BEFORE INSERT ON d FOR EACH ROW WHEN (migrate_guard._preloaded()) EXECUTE FUNCTION d_trg();
-- (no internal function has the signature of a cast function: casts cannot reach one)
CREATE DOMAIN visible_name AS text CHECK (migrate_guard._count_visible(0, VALUE));
CREATE OPERATOR ### (LEFTARG = oid, RIGHTARG = text, FUNCTION = migrate_guard._count_visible);
CREATE FUNCTION keep_oid(oid, text) RETURNS oid LANGUAGE sql IMMUTABLE AS 'SELECT $1';
CREATE AGGREGATE any_visible(text) (SFUNC = keep_oid, STYPE = oid, INITCOND = '0',
                                    FINALFUNC = migrate_guard._count_visible, FINALFUNC_EXTRA);
CREATE FUNCTION atomic_call() RETURNS bool LANGUAGE sql BEGIN ATOMIC SELECT migrate_guard._preloaded(); END;
CREATE PROCEDURE atomic_proc() LANGUAGE sql BEGIN ATOMIC SELECT migrate_guard._blocked_attempts(); END;

-- allowed: the public functions and views of the extension, the log's rows,
-- one's own event trigger functions, C functions of other libraries
CREATE VIEW settings AS SELECT * FROM migrate_guard.status();
CREATE VIEW refused AS SELECT rule, object_identity FROM migrate_guard.blocked_attempts;
CREATE FUNCTION rls_ok() RETURNS bool LANGUAGE sql BEGIN ATOMIC SELECT count(*) = 0 FROM migrate_guard.verify_rls() WHERE status = 'FAIL'; END;
CREATE FUNCTION own_et() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN NULL; END';
CREATE EVENT TRIGGER own_et ON ddl_command_end EXECUTE FUNCTION own_et();
DROP EVENT TRIGGER own_et;
CREATE FUNCTION my_handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', 'plpgsql_call_handler';
CREATE TABLE victim();
-- under the flag (an admin's decision, audited)
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
CREATE VIEW attempts_raw AS SELECT * FROM migrate_guard._blocked_attempts();
ROLLBACK;

SELECT rule, object_identity, left(statement, 70) AS statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
-- nothing was created, and the DDL above left only the library's own rows
SELECT evtname FROM pg_event_trigger ORDER BY evtname;
SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname;
SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname;
SELECT command_tag, object_type, object_identity, event FROM migrate_guard.ddl_log
 WHERE statement = 'CREATE TABLE victim()' ORDER BY id;
