--
-- audit_login_role: every audit row and every refusal names the role that
-- authenticated the session (login_role), which neither SET SESSION
-- AUTHORIZATION nor SET ROLE nor SECURITY DEFINER can change; session_role
-- and current_role keep what session_user and current_user said
--
\pset null '(null)'
SELECT current_database() AS suite_db \gset
CREATE FUNCTION log_of(text)
RETURNS TABLE(command_tag text, login_role name, session_role name, "current_role" name)
LANGUAGE sql AS $$
  SELECT command_tag, login_role, session_role, "current_role"
    FROM migrate_guard.ddl_log WHERE object_identity = $1 ORDER BY id
$$;
GRANT CREATE ON SCHEMA public TO migrate_guard_admin;

-- a superuser acting as a plain role: the row still names the superuser's login
SET SESSION AUTHORIZATION mg_app;
SELECT session_user, current_user;
CREATE TABLE framed();
RESET SESSION AUTHORIZATION;
SELECT * FROM log_of('public.framed');

-- SET ROLE after SET SESSION AUTHORIZATION
SET SESSION AUTHORIZATION mg_admin;
SET ROLE migrate_guard_admin;
CREATE TABLE framed_twice();
RESET ROLE;
RESET SESSION AUTHORIZATION;
SELECT * FROM log_of('public.framed_twice');

-- a SECURITY DEFINER function owned by mg_admin, called by mg_app
SET ROLE mg_admin;
CREATE FUNCTION public.make_table() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public AS $$ BEGIN CREATE TABLE made_by_definer(); END $$;
RESET ROLE;
SET SESSION AUTHORIZATION mg_app;
SELECT public.make_table();
RESET SESSION AUTHORIZATION;
SELECT * FROM log_of('public.made_by_definer');

-- TRUNCATE (written by the ProcessUtility hook) and a drop (sql_drop), by an
-- admin the superuser acts as
CREATE TABLE emptied(id int);
GRANT ALL ON emptied TO mg_app, mg_admin;
CREATE TABLE dropped(id int);
ALTER TABLE dropped OWNER TO mg_admin;
SET SESSION AUTHORIZATION mg_admin;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
TRUNCATE emptied;
DROP TABLE dropped;
COMMIT;
RESET SESSION AUTHORIZATION;
SELECT * FROM log_of('public.emptied');
SELECT * FROM log_of('public.dropped');

-- a real login as mg_app: all three are mg_app
\c - mg_app
CREATE TABLE logged_in_as_app();
\c - postgres
SELECT * FROM log_of('public.logged_in_as_app');

-- a refusal: role_name is the role that ran it (SET SESSION AUTHORIZATION
-- changes it), login_role the role that logged in
SET SESSION AUTHORIZATION mg_app;
TRUNCATE emptied;
RESET SESSION AUTHORIZATION;
SELECT role_name, login_role, rule, statement FROM migrate_guard.blocked_attempts
 WHERE statement = 'TRUNCATE emptied' AND database_name = current_database();
-- the same refusal from a real login as mg_app is an entry of its own
\c - mg_app
TRUNCATE emptied;
SELECT role_name, login_role, repeat_count FROM migrate_guard.blocked_attempts
 WHERE statement = 'TRUNCATE emptied' AND database_name = current_database() ORDER BY attempt;
\c - postgres
SELECT role_name, login_role, repeat_count FROM migrate_guard.blocked_attempts
 WHERE statement = 'TRUNCATE emptied' AND database_name = current_database() ORDER BY attempt;

-- postflight's list of the DDL since the preflight names the login role too
SELECT count(*) > 0 AS preflight FROM migrate_guard.preflight('login', ARRAY['public']);
SET SESSION AUTHORIZATION mg_app;
CREATE TABLE framed_after_preflight();
RESET SESSION AUTHORIZATION;
CREATE TABLE plain_after_preflight();
SELECT check_name, status, regexp_replace(detail, '^[0-9-]+ [0-9:]+ ', '') AS detail
  FROM migrate_guard.postflight('login') WHERE check_name LIKE 'ddl: %' ORDER BY check_name;

-- both layouts of the log: a 0.1.0 install (no login_role column) is written
-- without it; after ALTER EXTENSION UPDATE the rows written before show NULL
-- (not recorded), the new ones the login role
CREATE DATABASE audit_login_old;
\c audit_login_old
SET client_min_messages = warning;
CREATE EXTENSION migrate_guard VERSION '0.1.0';
RESET client_min_messages;
CREATE TABLE before_update();
SELECT count(*) AS has_login_role FROM pg_attribute
 WHERE attrelid = 'migrate_guard.ddl_log'::regclass AND attname = 'login_role';
ALTER EXTENSION migrate_guard UPDATE;
CREATE TABLE after_update();
SELECT command_tag, object_identity, session_role, login_role FROM migrate_guard.ddl_log ORDER BY id;
\c :suite_db
SET migrate_guard.allow_destructive = on;
DROP DATABASE audit_login_old;
