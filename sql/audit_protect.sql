--
-- audit_protect: nobody, superusers included, changes the log without the flag;
-- purge_ddl_log() is the sanctioned way, and it leaves a row
--
\set VERBOSITY terse
CREATE TABLE audit_protect_t(id int);
SELECT count(*) > 0 AS has_rows FROM migrate_guard.ddl_log;
SELECT count(*) AS before FROM migrate_guard.ddl_log \gset

-- rows cannot be updated, deleted or truncated, by a superuser either
UPDATE migrate_guard.ddl_log SET reason = 'forged' WHERE id = 1;
DELETE FROM migrate_guard.ddl_log WHERE id = 1;
DELETE FROM migrate_guard.ddl_log;
TRUNCATE migrate_guard.ddl_log;
WITH gone AS (DELETE FROM migrate_guard.ddl_log WHERE id > 0 RETURNING 1) SELECT count(*) FROM gone;
MERGE INTO migrate_guard.ddl_log l USING (VALUES (1)) v(id) ON l.id = v.id WHEN MATCHED THEN DELETE;
-- in warn and off mode too
SET migrate_guard.mode = off;
DELETE FROM migrate_guard.ddl_log WHERE id = 1;
RESET migrate_guard.mode;
-- a plain role has no right on it at all
SET ROLE mg_app;
SELECT count(*) FROM migrate_guard.ddl_log;
INSERT INTO migrate_guard.ddl_log(command_tag) VALUES ('forged');
RESET ROLE;
-- an admin can read it, not change it
SET ROLE mg_admin;
SELECT count(*) > 0 AS admin_reads FROM migrate_guard.ddl_log;
DELETE FROM migrate_guard.ddl_log WHERE id = 1;
RESET ROLE;

-- the extension's event triggers cannot be dropped, disabled or renamed
DROP EVENT TRIGGER migrate_guard_ddl_command_end;
ALTER EVENT TRIGGER migrate_guard_sql_drop DISABLE;
ALTER EVENT TRIGGER migrate_guard_sql_drop ENABLE REPLICA;
ALTER EVENT TRIGGER migrate_guard_table_rewrite ENABLE;
ALTER EVENT TRIGGER migrate_guard_ddl_command_end RENAME TO something_else;
-- re-enabling ALWAYS is harmless and allowed
ALTER EVENT TRIGGER migrate_guard_ddl_command_end ENABLE ALWAYS;
SELECT evtname, evtenabled FROM pg_event_trigger WHERE evtname LIKE 'migrate_guard%' ORDER BY evtname;
-- nothing was lost (the ENABLE ALWAYS above added one row)
SELECT count(*) = :before + 1 AS nothing_lost FROM migrate_guard.ddl_log;

-- the extension's own SQL (which runs as the owner of its tables) never calls
-- an operator or function planted in a schema the caller puts first: the
-- audit writes rows without SQL, and owner-run SQL pins search_path
CREATE TABLE public.planted_calls(who name);
GRANT INSERT ON public.planted_calls TO PUBLIC;
SET ROLE mg_app;
CREATE FUNCTION public.planted_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.planted_calls VALUES (current_user);
  RETURN pg_catalog.texteq($1, $2);
END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.planted_eq);
CREATE FUNCTION public.planted_lt(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.planted_calls VALUES (current_user);
  RETURN pg_catalog.timestamptz_lt($1, $2);
END $$;
CREATE OPERATOR public.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = public.planted_lt);
GRANT EXECUTE ON FUNCTION public.planted_eq(text, text), public.planted_lt(timestamptz, timestamptz) TO PUBLIC;
SET search_path = public, pg_catalog;
BEGIN;
CREATE TABLE app_scratch(id int);
DROP TABLE app_scratch;
COMMIT;
RESET search_path;
RESET ROLE;
-- an admin purging with the same search_path does not call it either
SET ROLE mg_admin;
SET search_path = public, pg_catalog;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT migrate_guard.purge_ddl_log('100 years');
COMMIT;
RESET search_path;
RESET ROLE;
SET ROLE mg_app;
DROP OPERATOR public.= (text, text);
DROP OPERATOR public.< (timestamptz, timestamptz);
DROP FUNCTION public.planted_eq(text, text);
DROP FUNCTION public.planted_lt(timestamptz, timestamptz);
RESET ROLE;
SELECT count(*) AS planted_calls FROM public.planted_calls;
SELECT command_tag, object_identity, event FROM migrate_guard.ddl_log
 WHERE object_identity = 'public.app_scratch' ORDER BY id;
SELECT count(*) AS before FROM migrate_guard.ddl_log \gset

-- purge_ddl_log needs the flag
SELECT migrate_guard.purge_ddl_log('1 day');
SET ROLE mg_app;
SELECT migrate_guard.purge_ddl_log('1 day');
RESET ROLE;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT migrate_guard.purge_ddl_log('-1 day');
ROLLBACK;
-- nothing is older than a day here: nothing is purged, but the call is logged
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'retention';
SELECT migrate_guard.purge_ddl_log('1 day');
COMMIT;
-- an admin purges everything older than now
SET ROLE mg_admin;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT migrate_guard.purge_ddl_log('0') > :before AS purged_all;
COMMIT;
RESET ROLE;
SELECT command_tag, object_identity, rule, overridden, event, regexp_replace(detail, 'purged [0-9]+ rows logged before .*', 'purged N rows logged before ...') AS detail
  FROM migrate_guard.ddl_log ORDER BY id;
