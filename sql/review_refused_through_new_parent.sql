--
-- review_refused_through_new_parent: a migration hangs an existing table with
-- rows under a table it creates (INHERIT, a foreign key), then deletes or
-- truncates through the new one.  The review judges what reaches the
-- existing table, as the guard does: delete_without_where / truncate
-- (blocked), verdict BLOCKED -- and the guard refuses the same script run.
--
\set VERBOSITY terse
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;
\set migration 'SET lock_timeout = ''5s''; BEGIN; CREATE TABLE legacy_parent(id int, v text); ALTER TABLE t INHERIT legacy_parent; DELETE FROM legacy_parent; COMMIT;'
SELECT migrate_guard.migration_verdict(:'migration');
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration(:'migration');
-- the same script, run: the guard refuses the DELETE, as the review said
SET lock_timeout = '5s';
BEGIN;
CREATE TABLE legacy_parent(id int, v text);
ALTER TABLE t INHERIT legacy_parent;
DELETE FROM legacy_parent;
COMMIT;
-- TRUNCATE ... CASCADE through a new referenced table
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration('BEGIN; CREATE TABLE p(id int PRIMARY KEY); '
       'ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES p NOT VALID; TRUNCATE p CASCADE; COMMIT;')
 WHERE statement_no = 4;
RESET lock_timeout;
RESET ROLE;
