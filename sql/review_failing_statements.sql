--
-- attack3_review_copy_fails (outside review, attack3) -- severity: MEDIUM
--
-- Broken promise (README, "Migration review"): `danger` = "holds a strong
-- lock ..., rewrites a non-empty table, or fails"; `unknown_object`: "a
-- relation or column that neither exists nor is created earlier in the
-- script: the statement would fail"; SAFE TO DEPLOY = no finding.
--
-- A COPY ... FROM stdin that the server rejects at once is rated `ok` and
-- the script SAFE TO DEPLOY unless the table is missing: a missing column
-- (`COPY log (nope)`), a view, a duplicate column, a bad option (DELIMITER
-- 'ab', FORCE_NOT_NULL outside CSV, FORMAT bogus, ENCODING 'bogus'), a WHERE
-- on a missing column, a system catalog. Deployed with psql -v
-- ON_ERROR_STOP=1 the script stops there (exit 3).
-- (Side note, a README inaccuracy: the Limits say psql runs the data lines
-- as SQL when the COPY fails at once; psql 15 on this machine skips them up
-- to the \. line -- see the end of this file: smuggled is not created.)
--
-- Right behaviour: the COPY is judged as PostgreSQL would execute it
-- (target relkind, columns, options, WHERE: BeginCopyFrom's checks) and a
-- failing COPY is `unknown_object` (or another failing finding), not `ok`.
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
