--
-- review_copy_stdin: the data lines of COPY ... FROM STDIN.
-- psql sends the lines after `COPY ... FROM stdin;` (up to a line holding
-- only `\.`) to the server as data, never as SQL.  The review reads the
-- script the same way: the data lines are skipped (whatever they hold:
-- quotes, dollar quotes, semicolons, text that looks like statements), the
-- statements after `\.` are reviewed, and the COPY itself is judged as a
-- write into its table (RowExclusiveLock).  Data that runs to the end of the
-- script (no `\.` line, or binary format) is reported, since nothing after
-- it runs as a statement.
--
CREATE TABLE orders(id int PRIMARY KEY);
INSERT INTO orders SELECT g FROM generate_series(1, 1000) g;
CREATE TABLE notes(t text);
CREATE TABLE pairs(a int, b text);

-- psql itself (pg_regress runs this file with psql): the line after the COPY is data
COPY notes FROM stdin;
DROP TABLE orders;
\.
SELECT t AS copied_as_data FROM notes;
SELECT count(*) AS orders_still_there FROM orders;

-- a data line opening a dollar quote no longer hides the DROP TABLE after `\.`
SELECT statement_no, line, command_tag, lock_mode, relations, rule, severity
  FROM migrate_guard.check_migration(E'SET lock_timeout = ''5s'';\nCOPY notes (t) FROM stdin;\nselect $$\n\\.\nDROP TABLE orders;\nSELECT 1; -- $$;\n');
SELECT migrate_guard.migration_verdict(E'SET lock_timeout = ''5s'';\nCOPY notes (t) FROM stdin;\nselect $$\n\\.\nDROP TABLE orders;\nSELECT 1; -- $$;\n') AS verdict;

-- data that looks like statements is data (the same text psql ran above): SAFE TO DEPLOY
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY notes FROM stdin;\nDROP TABLE orders;\n\\.\n');

-- CSV: quoted fields with semicolons, quotes and a comment marker; then a DELETE
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$COPY pairs (a, b) FROM STDIN WITH (FORMAT csv, HEADER true);
a,b
1,"it's; -- not a comment"
2,"/* nor this"
\.
DELETE FROM orders;
$m$);

-- Windows line ends (\.\r\n ends the data too)
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY notes FROM stdin;\r\nx''y\r\n\\.\r\nTRUNCATE orders;\r\n');

-- two COPYs on one line read their data one after the other; the statement after them on that line runs after both
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY notes FROM stdin; COPY pairs FROM stdin; DELETE FROM orders;\nfirst $$\n\\.\n1\tsecond ''\n\\.\nSELECT 1;\n');

-- \g sends the COPY as well; \copy ... from stdin reads its data from the script too
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY notes FROM stdin \\g\nDROP TABLE orders;\n\\.\n\\copy notes from stdin\n''unterminated\n\\.\nDROP TABLE orders;\n');

-- COPY from a file or to STDOUT has no data lines: the next line is a statement
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY notes FROM ''/tmp/notes.txt'';\nDROP TABLE orders;\nCOPY notes TO STDOUT;\nTRUNCATE orders;\n');

-- no line \. : the rest of the script is data (psql runs none of it); said, never silently dropped
SELECT statement_no, line, command_tag, rule, severity, message, hint
  FROM migrate_guard.check_migration(E'SET lock_timeout = ''5s'';\nCOPY notes FROM stdin;\nDROP TABLE orders;\nTRUNCATE orders;\n');
SELECT migrate_guard.migration_verdict(E'COPY notes FROM stdin;\nDROP TABLE orders;\n') AS verdict;
-- binary format: psql sends everything after it as data
SELECT statement_no, line, command_tag, rule, severity, message
  FROM migrate_guard.check_migration(E'COPY notes FROM stdin WITH (FORMAT binary);\nDROP TABLE orders;\n\\.\nSELECT 1;\n');
-- \copy without its \. line
SELECT statement_no, line, rule, severity, message
  FROM migrate_guard.check_migration(E'SELECT 1;\n\\copy notes from stdin\nDROP TABLE orders;\n');
-- a COPY that ends the script without data is complete: nothing to say
SELECT statement_no, line, command_tag, rule, severity
  FROM migrate_guard.check_migration('COPY notes FROM stdin;');

-- the COPY itself: a write into an existing table, or a table that does not exist
SELECT statement_no, command_tag, lock_mode, relations, rule, severity
  FROM migrate_guard.check_migration(E'COPY nosuch FROM stdin;\nx\n\\.\nCREATE TABLE fresh(t text);\nCOPY fresh FROM stdin;\ny\n\\.\n');
-- into the extension's log: the guard refuses it (guard_tamper), data or not
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration(E'COPY migrate_guard.ddl_log FROM stdin;\nanything\n\\.\n');
