--
-- review_failing_statements: statements that fail as soon as they run, which
-- the review rated ok (found by attack3): COPY with a column that does not
-- exist or twice, into a view, with options PostgreSQL refuses; RENAME COLUMN
-- of a missing column; ADD COLUMN / CREATE of a name that is taken.
-- unknown_object, already_exists, invalid_statement (warn). COPY ... WHERE
-- on a missing column, privileges (COPY pg_class) and unknown types are not
-- predicted (README, Limits). Also: psql skips the data lines of a failed
-- COPY up to \. (with or without ON_ERROR_STOP); a temporary table the
-- script creates shadows an existing one (DROP TABLE is not drop_table);
-- a UTF-8 byte order mark opening the script is skipped, as psql does.
--
CREATE TABLE orders(id int PRIMARY KEY);
CREATE TABLE log(id int);
CREATE VIEW v1 AS SELECT * FROM log;
ALTER TABLE orders OWNER TO mg_app;
ALTER TABLE log OWNER TO mg_app;
ALTER VIEW v1 OWNER TO mg_app;
SET ROLE mg_app;
CREATE FUNCTION pg_temp.review(copy_line text)
RETURNS TABLE(statement_no int, command_tag text, rule text, severity text, verdict text)
LANGUAGE sql AS $f$
  SELECT c.statement_no, c.command_tag, c.rule, c.severity,
         migrate_guard.migration_verdict(m)
    FROM (SELECT E'SET lock_timeout = ''1s'';\n' || copy_line
                 || E'\nCREATE TABLE smuggled(id int);\nDROP TABLE orders;\n\\.\n' AS m) s,
         migrate_guard.check_migration(s.m) c
$f$;
SELECT * FROM pg_temp.review('COPY log (nope) FROM stdin;');
SELECT * FROM pg_temp.review('COPY v1 FROM stdin;');
SELECT * FROM pg_temp.review('COPY log (id, id) FROM stdin;');
SELECT * FROM pg_temp.review('COPY log FROM stdin WITH (DELIMITER ''ab'');');
SELECT * FROM pg_temp.review('COPY log FROM stdin WITH (FORCE_NOT_NULL (id));');
SELECT * FROM pg_temp.review('COPY log FROM stdin WITH (FORMAT bogus);');
SELECT * FROM pg_temp.review('COPY log FROM stdin WITH (ENCODING ''bogus'');');
SELECT * FROM pg_temp.review('COPY log FROM stdin WHERE nope > 0;');
SELECT * FROM pg_temp.review('COPY pg_class FROM stdin;');
-- contrast: a missing table is reported
SELECT * FROM pg_temp.review('COPY nope FROM stdin;');
RESET ROLE;
-- what psql does with the first script (ON_ERROR_STOP=1, as a deploy runs it)
\! printf "SET lock_timeout = '1s';\nCOPY log (nope) FROM stdin;\nCREATE TABLE smuggled(id int);\n\\\\.\n" > /tmp/review_failing_statements.sql; psql -X -q -v ON_ERROR_STOP=1 -U mg_app -d regress_review_failing_statements -f /tmp/review_failing_statements.sql 2>&1 | sed 's/^psql:[^:]*:/psql:script:/'; rm -f /tmp/review_failing_statements.sql
SELECT to_regclass('public.smuggled') AS smuggled_table_created;
-- without ON_ERROR_STOP psql goes on, but skips the failed COPY's data lines up to \.
\! printf "COPY log (nope) FROM stdin;\nCREATE TABLE smuggled(id int);\n\\\\.\nCREATE TABLE after_data(id int);\n" > /tmp/review_failing_statements.sql; psql -X -q -U mg_app -d regress_review_failing_statements -f /tmp/review_failing_statements.sql 2>&1 | sed 's/^psql:[^:]*:/psql:script:/'; rm -f /tmp/review_failing_statements.sql
SELECT to_regclass('public.smuggled') AS smuggled_table_created, to_regclass('public.after_data') AS after_data_created;
-- the same class outside COPY: statements that fail at once, rated ok
-- (RENAME COLUMN of a missing column is exactly `unknown_object`'s case)
SET ROLE mg_app;
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
ALTER TABLE log RENAME COLUMN nope TO x;
ALTER TABLE log ADD COLUMN id int;
CREATE TABLE log(id int);
CREATE VIEW v1 AS SELECT 1;
ALTER TABLE log ALTER COLUMN id TYPE no_such_type;
$m$);
RESET ROLE;

-- the name taken by the script itself; IF NOT EXISTS / OR REPLACE do not fail
SET ROLE mg_app;
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
CREATE TABLE t1(id int);
CREATE TABLE t1(id int);
CREATE TABLE IF NOT EXISTS log(id int);
CREATE OR REPLACE VIEW v1 AS SELECT * FROM log;
ALTER TABLE log ADD COLUMN IF NOT EXISTS id int;
ALTER TABLE log ADD COLUMN note text, ADD COLUMN note2 text;
ALTER TABLE log RENAME COLUMN note TO note3;
ALTER TABLE log RENAME COLUMN id TO note2;
COPY log (id, note3, note2) FROM stdin;
\.
CREATE TEMP TABLE log(id int);
$m$) ORDER BY statement_no;
RESET ROLE;

-- a false positive: DROP TABLE of the temporary table the script created
-- (it shadows the permanent one of the same name)
CREATE TABLE items(id int);
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$CREATE TEMP TABLE items(id int);
DROP TABLE items;
$m$) ORDER BY statement_no;

-- a UTF-8 byte order mark opening the script: psql skips it
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(convert_from('\xefbbbf'::bytea, 'UTF8') || E'SET lock_timeout = ''1s'';\nSELECT 1;');

