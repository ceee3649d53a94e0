--
-- review_basics: the shape of check_migration() / migration_verdict(), how a
-- script is split and numbered, bad input (NULL, empty, unparsable, psql
-- meta-commands, a 10 MB script).
--
SET lock_timeout = '2s';   -- the session's own limit counts: no missing_lock_timeout noise here
CREATE TABLE accounts(id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'a' || g || '@example.com' FROM generate_series(1, 5000) g;
VACUUM ANALYZE accounts;

-- the contract's columns, in order
SELECT pg_catalog.pg_get_function_result('migrate_guard.check_migration(text, boolean)'::regprocedure);
SELECT pg_catalog.pg_get_function_arguments('migrate_guard.check_migration(text, boolean)'::regprocedure);
SELECT pg_catalog.pg_get_function_arguments('migrate_guard.migration_verdict(text, boolean)'::regprocedure);

-- one row per statement without findings (rule NULL, severity ok); numbering
-- from 1, line = the line of the statement's first token (comments skipped)
SELECT statement_no, line, statement, command_tag, lock_mode, relations, rewrites, rule, severity
  FROM migrate_guard.check_migration($mig$-- release 42
CREATE TABLE plans(id int PRIMARY KEY, name text);

/* a block comment
   over two lines */ INSERT INTO plans VALUES (1, 'free');;
SELECT 1; SELECT 2
$mig$);

-- a statement with findings gets one row per finding, worst first
SELECT statement_no, lock_mode, relations, rewrites, rule, severity, message, hint
  FROM migrate_guard.check_migration('CREATE INDEX accounts_email_idx ON accounts (email)');
SELECT migrate_guard.migration_verdict('CREATE INDEX accounts_email_idx ON accounts (email)');
SELECT migrate_guard.migration_verdict('CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email)');
SELECT migrate_guard.migration_verdict('DROP TABLE accounts');

-- NULL, empty, blank: no rows and SAFE TO DEPLOY
SELECT count(*) FROM migrate_guard.check_migration(NULL);
SELECT count(*) FROM migrate_guard.check_migration('');
SELECT count(*) FROM migrate_guard.check_migration(E'  \n -- only a comment\n');
SELECT migrate_guard.migration_verdict(NULL) AS null_script, migrate_guard.migration_verdict('') AS empty,
       migrate_guard.migration_verdict(';;') AS semicolons, migrate_guard.migration_verdict('SELECT 1', NULL) AS null_probe;

-- a script that does not parse: one syntax_error row (blocked) with its line, not an ERROR
SELECT statement_no, line, statement, rule, severity, message, hint
  FROM migrate_guard.check_migration(E'CREATE TABLE a(id int);\nCREATE TABLE b(id int);\n\nALTER TABEL a ADD COLUMN x int;\nDROP TABLE accounts;');
SELECT migrate_guard.migration_verdict(E'CREATE TABLE a(id int);\nALTER TABEL a ADD COLUMN x int;');
-- lexer errors too (unterminated literal, comment), with the line of the error
SELECT statement_no, line, rule, severity, message
  FROM migrate_guard.check_migration(E'SELECT 1;\nSELECT 2;\nINSERT INTO accounts VALUES (1, \'no end');
SELECT statement_no, line, rule, severity, message
  FROM migrate_guard.check_migration(E'SELECT 1;\n/* never closed\nSELECT 2;');
-- nothing before the error is judged: the blocked DROP TABLE is not reported
SELECT count(*) FILTER (WHERE rule = 'drop_table') AS drop_rows, count(*) AS rows
  FROM migrate_guard.check_migration(E'DROP TABLE accounts;\nSELECT (;');

-- psql meta-commands: a syntax_error row naming each line; the SQL around them is reviewed
SELECT statement_no, line, statement, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($mig$\set ON_ERROR_STOP on
BEGIN;
CREATE TABLE audit_items(id int);
\echo 'created; -- a quote in the arguments'
INSERT INTO audit_items VALUES (1);
COMMIT;
\i 002_more.sql
SELECT count(*) FROM audit_items \gset
DROP TABLE accounts;
$mig$);
-- a backslash inside literals, dollar quotes and comments is not a meta-command
SELECT statement_no, line, rule, severity
  FROM migrate_guard.check_migration($mig$SELECT E'a\\b', 'c\d';
-- a comment with \i inside
CREATE FUNCTION f_regex(t text) RETURNS bool LANGUAGE sql AS $f$ SELECT t ~ '\d+' $f$;
$mig$);

-- semicolons inside function bodies, literals and BEGIN ATOMIC do not split statements
SELECT statement_no, line, command_tag, severity
  FROM migrate_guard.check_migration($mig$CREATE FUNCTION f_one() RETURNS int LANGUAGE plpgsql AS $f$ BEGIN RETURN 1; END $f$;
CREATE FUNCTION f_two() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
SELECT ';', $$;$$;
$mig$);

-- multi-byte text before an error: the line is still right
SELECT line, rule FROM migrate_guard.check_migration(E'-- naïve café ünïcödé\nSELECT \'€€€\', €;\nSELECT ) €;');

-- a huge script works: 10 MB, 330,000 statements
SELECT count(*) AS rows, count(DISTINCT statement_no) AS statements, max(line) AS last_line,
       pg_catalog.octet_length(pg_catalog.repeat(E'INSERT INTO accounts VALUES (1);\n', 330000)) > 10000000 AS ten_mb
  FROM migrate_guard.check_migration(pg_catalog.repeat(E'INSERT INTO accounts VALUES (1);\n', 330000));
SELECT migrate_guard.migration_verdict(pg_catalog.repeat(E'SELECT 1;\n', 200000) || 'DROP TABLE accounts;');

-- the review runs as the caller: any role may call it
SET ROLE mg_app;
SELECT statement_no, rule, severity FROM migrate_guard.check_migration('CREATE TABLE mine(id int); SELECT 1');
RESET ROLE;
