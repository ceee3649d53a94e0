--
-- audit_secrets: no password reaches the audit log or the refusal ring, in
-- any text column, whatever the route; migrate_guard.reason is recorded only
-- for statements run under the flag
--
\set VERBOSITY terse
\pset null '(null)'
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE ROLE audit_sec_bob LOGIN;

-- the keyword PASSWORD, in every quoting
ALTER ROLE audit_sec_bob PASSWORD 'pw_plain_1';
ALTER ROLE audit_sec_bob ENCRYPTED PASSWORD E'pw\x5fescaped_2';
ALTER ROLE audit_sec_bob PASSWORD U&'pw\005Funicode_3';
ALTER ROLE audit_sec_bob PASSWORD $q$pw_dollar_4$q$;
ALTER ROLE audit_sec_bob PASSWORD 'pw_' 
  'continued_5';
-- standard_conforming_strings changed between parsing and logging, both ways
-- (the string is parsed whole before its SET runs)
SET standard_conforming_strings = off \; ALTER ROLE audit_sec_bob PASSWORD 'pw_scs\' VALID UNTIL 'infinity' --'
;
RESET standard_conforming_strings;
SET standard_conforming_strings = off;
SET standard_conforming_strings = on \; ALTER ROLE audit_sec_bob PASSWORD 'x\' pw_scs_6 --'
;
RESET standard_conforming_strings;

-- connection strings: subscriptions (key/value and URI), primary_conninfo
CREATE SUBSCRIPTION audit_sec_sub CONNECTION 'host=localhost dbname=nowhere password=pw_conninfo_7 user=u'
  PUBLICATION p WITH (connect = false, slot_name = NONE, enabled = false);
ALTER SUBSCRIPTION audit_sec_sub CONNECTION 'host=localhost password = ''pw quoted 8'' user=u';
ALTER SUBSCRIPTION audit_sec_sub CONNECTION 'postgresql://u:pw_uri_9@localhost/x?sslmode=disable&password=pw_query_10';
ALTER SUBSCRIPTION audit_sec_sub CONNECTION 'postgresql://u@localhost/x?%70assword=pw_percent_11';
DROP SUBSCRIPTION audit_sec_sub;
ALTER SYSTEM SET primary_conninfo = 'host=primary password=pw_system_12';
ALTER SYSTEM RESET primary_conninfo;

-- user mappings: every option is a credential; servers: options named like a password
CREATE FOREIGN DATA WRAPPER audit_sec_fdw;
CREATE SERVER audit_sec_srv FOREIGN DATA WRAPPER audit_sec_fdw OPTIONS (host 'h', password 'pw_server_13');
CREATE USER MAPPING FOR audit_sec_bob SERVER audit_sec_srv OPTIONS (user 'remote', password 'pw_mapping_14');
ALTER USER MAPPING FOR audit_sec_bob SERVER audit_sec_srv OPTIONS (SET password 'pw_mapping_15', ADD token 'tk_16');
ALTER SERVER audit_sec_srv OPTIONS (ADD "Secret_Key" 'pw_server_17');

-- DO blocks and functions: the statement is redacted, and the top-level
-- statement of every row it led to is hidden (rows before the password too)
DO $$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASSWORD ''pw_do_18'''; END $$;
DO $$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASS' || 'WORD ''pw_split_19'''; END $$;
CREATE FUNCTION audit_sec_set_pw(pw text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER ROLE audit_sec_bob PASSWORD %L', pw);
END $$;
DO $$
BEGIN
  CREATE TABLE audit_sec_before(id int);
  PERFORM audit_sec_set_pw('pw_argument_20');
  CREATE TABLE audit_sec_after(id int);
END $$;
SELECT audit_sec_set_pw('pw_select_21');
-- a DDL statement whose top-level statement carries a password in a literal
DO $$ BEGIN PERFORM 'host=x password=pw_nested_22'; CREATE TABLE audit_sec_nested(id int); END $$;
-- the same in a rolled-back subtransaction: nothing breaks
DO $$
BEGIN
  BEGIN
    CREATE TABLE audit_sec_rolled_back(id int);
    RAISE EXCEPTION 'undo';
  EXCEPTION WHEN raise_exception THEN NULL;
  END;
  PERFORM audit_sec_set_pw('pw_after_rollback_23');
END $$;

SELECT command_tag, object_identity, statement, top_statement FROM migrate_guard.ddl_log
 WHERE id > :mark AND (command_tag NOT LIKE '%FUNCTION%') ORDER BY id;
-- no secret anywhere, in any text column
SELECT count(*) AS rows_with_a_secret FROM migrate_guard.ddl_log l
 WHERE (SELECT string_agg(v, ' ') FROM jsonb_each_text(to_jsonb(l)) AS e(k, v)) ~ '(pw_|tk_)';
SELECT count(*) AS rows_since FROM migrate_guard.ddl_log WHERE id > :mark;

-- the refusal ring keeps statements redacted too
CREATE TABLE audit_sec_t(id int);
DELETE FROM audit_sec_t WHERE 'host=h password=pw_ring_24' <> '';
SELECT rule, statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;
SELECT count(*) AS ring_rows_with_a_secret FROM migrate_guard.blocked_attempts WHERE statement ~ '(pw_|tk_)';

-- nesting deeper than redaction looks: the literal at the limit is hidden
-- whole when it may hold a secret, in every column and in the ring
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
CREATE FUNCTION audit_sec_deep5() RETURNS void LANGUAGE plpgsql AS $a$ BEGIN EXECUTE $b$ DO $c$ BEGIN EXECUTE $d$ DO $e$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASSWORD ''pw_deep_25'''; END $e$ $d$; END $c$ $b$; END $a$;
DO $a$ BEGIN CREATE TABLE audit_sec_deep_top(id int); PERFORM $b$ DO $c$ BEGIN EXECUTE $d$ DO $e$ BEGIN EXECUTE $f$ DO $g$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASSWORD ''pw_deep_26'''; END $g$ $f$; END $e$ $d$; END $c$ $b$; END $a$;
-- the same nesting written with doubled quotes only
CREATE FUNCTION audit_sec_deep_quotes() RETURNS void LANGUAGE plpgsql AS 'BEGIN EXECUTE ''DO ''''BEGIN EXECUTE ''''''''DO ''''''''''''''''BEGIN EXECUTE ''''''''''''''''''''''''''''''''ALTER ROLE audit_sec_bob PASSWORD ''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''pw_deep_27''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''''; END''''''''''''''''''''''''; END''''''; END';
-- a body that does not split into tokens (never closed) and mentions a password
SET check_function_bodies = off;
CREATE FUNCTION audit_sec_unlexable() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASSWORD ''pw_unlexable_28''; /* never closed $$;
-- a body in another language, where the SQL lexer sees the statement as a quoted identifier
CREATE FUNCTION audit_sec_python() RETURNS void LANGUAGE plpgsql AS $$ plpy.execute("ALTER ROLE audit_sec_bob PASSWORD 'pw_python_30'") $$;
RESET check_function_bodies;
-- quoted identifiers that only name a password are kept
CREATE TABLE "audit_sec_Users"("password" text, "password_hash" text);
-- deep, but nothing that may be a secret: kept as written
CREATE FUNCTION audit_sec_deep_plain() RETURNS void LANGUAGE plpgsql AS $a$ BEGIN EXECUTE $b$ DO $c$ BEGIN EXECUTE $d$ DO $e$ BEGIN EXECUTE 'SELECT 1'; END $e$ $d$; END $c$ $b$; END $a$;
SELECT command_tag, object_identity, statement, top_statement FROM migrate_guard.ddl_log
 WHERE id > :mark ORDER BY id;
SELECT count(*) AS rows_with_a_secret FROM migrate_guard.ddl_log l
 WHERE (SELECT string_agg(v, ' ') FROM jsonb_each_text(to_jsonb(l)) AS e(k, v)) ~ 'pw_';
DELETE FROM audit_sec_t WHERE $a$ DO $b$ BEGIN EXECUTE $c$ DO $d$ BEGIN EXECUTE $e$ DO $f$ BEGIN EXECUTE 'ALTER ROLE audit_sec_bob PASSWORD ''pw_ring_29'''; END $f$ $e$; END $d$ $c$; END $b$ $a$ <> '';
SELECT rule, statement FROM migrate_guard.blocked_attempts ORDER BY attempt DESC LIMIT 1;
SELECT count(*) AS ring_rows_with_a_secret FROM migrate_guard.blocked_attempts WHERE statement ~ 'pw_';

-- migrate_guard.reason: anybody may set it, only rows run under the flag record it
SELECT coalesce(max(id), 0) AS mark FROM migrate_guard.ddl_log \gset
GRANT CREATE ON SCHEMA public TO mg_app, mg_admin;
SET ROLE mg_app;
SET migrate_guard.reason = 'approved by the CTO';
CREATE TABLE audit_sec_spoof(id int);
RESET migrate_guard.reason;
RESET ROLE;
SET ROLE mg_admin;
SET migrate_guard.reason = 'said without the flag';
CREATE TABLE audit_sec_admin_plain(id int);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'TICKET-3: said under the flag';
CREATE TABLE audit_sec_admin_flag(id int);
DROP TABLE audit_sec_admin_flag;
COMMIT;
RESET migrate_guard.reason;
RESET ROLE;
SELECT session_role, "current_role", command_tag, object_identity, rule, overridden, reason
  FROM migrate_guard.ddl_log WHERE id > :mark ORDER BY id;
