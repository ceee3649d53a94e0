--
-- review_reach: statements on objects the script creates are judged by the
-- existing objects they reach through what the script hangs under them
-- (ATTACH PARTITION, INHERIT, OF type, OWNED BY, foreign keys, columns of a new
-- type, SET SCHEMA into a new schema), and by the new relation itself once
-- the transaction that created it has ended -- as the guard judges them when
-- the script runs (review_guard runs them for real and compares).
--
\set VERBOSITY terse
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g;
CREATE TABLE t3(id int NOT NULL, v text);
INSERT INTO t3 VALUES (1, 'a');
CREATE SEQUENCE old_seq;
CREATE FUNCTION review(script text) RETURNS TABLE(n int, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, rule, severity, message FROM migrate_guard.check_migration(script)
   WHERE rule IS DISTINCT FROM 'missing_lock_timeout'
$$;

-- the outside attacker's case: an existing table hung under a new parent, then deleted through it
\set migration 'SET lock_timeout = ''5s''; BEGIN; CREATE TABLE legacy_parent(id int, v text); ALTER TABLE t INHERIT legacy_parent; DELETE FROM legacy_parent; COMMIT;'
SELECT migrate_guard.migration_verdict(:'migration');
SELECT statement_no, command_tag, lock_mode, relations, rule, severity, message, hint
  FROM migrate_guard.check_migration(:'migration') WHERE statement_no = 5;
-- the same script, run: the guard refuses the DELETE, as the review said
SET lock_timeout = '5s';
BEGIN;
CREATE TABLE legacy_parent(id int, v text);
ALTER TABLE t INHERIT legacy_parent;
DELETE FROM legacy_parent;
COMMIT;
RESET lock_timeout;
-- TRUNCATE ... CASCADE through a new referenced table
SELECT statement_no, command_tag, lock_mode, relations, rule, severity
  FROM migrate_guard.check_migration('BEGIN; CREATE TABLE p(id int PRIMARY KEY); '
       'ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES p NOT VALID; TRUNCATE p CASCADE; COMMIT;')
 WHERE statement_no = 4;

-- each kind of link, and what reaches through it (one script each, in one transaction)
SELECT * FROM review($mig$BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t3 FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
DROP TABLE np;
COMMIT;$mig$) WHERE n = 4;
SELECT * FROM review($mig$BEGIN;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t3 FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
ALTER TABLE np DROP COLUMN v;
COMMIT;$mig$) WHERE n = 4;
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TYPE nc AS (id int, v text);
ALTER TABLE t3 OF nc;
ALTER TYPE nc DROP ATTRIBUTE v CASCADE;
ALTER TYPE nc ALTER ATTRIBUTE id TYPE bigint CASCADE;
DROP TYPE nc CASCADE;
COMMIT;$mig$) WHERE n > 3;
SELECT * FROM review($mig$BEGIN;
CREATE TABLE nt(id int, x int);
ALTER SEQUENCE old_seq OWNED BY nt.id;
DROP TABLE nt;
COMMIT;$mig$) WHERE n = 4;
SELECT * FROM review($mig$BEGIN;
CREATE TYPE mood AS ENUM ('a', 'b');
ALTER TABLE t3 ADD COLUMN m mood;
DROP TYPE mood CASCADE;
COMMIT;$mig$) WHERE n = 4;
SELECT n, rule, severity, message FROM review($mig$BEGIN;
CREATE SCHEMA staging;
ALTER TABLE t3 SET SCHEMA staging;
DROP SCHEMA staging CASCADE;
COMMIT;$mig$) WHERE n = 4;

-- foreign keys with actions: an all-rows DELETE or UPDATE of the new table reaches the old one
SELECT * FROM review($mig$BEGIN;
CREATE TABLE p(id int PRIMARY KEY, note text);
ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (id) REFERENCES p ON DELETE CASCADE ON UPDATE SET NULL NOT VALID;
DELETE FROM p;
DELETE FROM p WHERE 1 = 1;
DELETE FROM p WHERE id = 3;
UPDATE p SET note = 'x';
UPDATE p SET id = id + 1;
COMMIT;$mig$) WHERE n > 3;
-- ... through a new table in between (p2 -> q -> t), not through NO ACTION
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TABLE p2(id int PRIMARY KEY);
CREATE TABLE q(id int PRIMARY KEY REFERENCES p2 ON DELETE CASCADE);
ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES q ON DELETE SET NULL NOT VALID;
DELETE FROM p2;
ALTER TABLE t3 ADD FOREIGN KEY (id) REFERENCES p2 NOT VALID;
COMMIT;$mig$) WHERE n > 4;
-- the WHERE is classified by the guard's own classifier against the new table's columns (or the
-- query of CREATE TABLE AS): a column reference restricts, a constant does not
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TABLE p3 AS SELECT id AS pid FROM t;
ALTER TABLE p3 ADD PRIMARY KEY (pid);
ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES p3 ON DELETE CASCADE NOT VALID;
DELETE FROM p3 WHERE pid > 5;
DELETE FROM p3 WHERE now() IS NOT NULL;
DELETE FROM p3 WHERE no_such_column = 1;
COMMIT;$mig$) WHERE n > 4;

-- links undone: nothing reached
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TABLE lp(id int, v text);
ALTER TABLE t3 INHERIT lp;
ALTER TABLE t3 NO INHERIT lp;
DELETE FROM lp;
CREATE TABLE np(id int NOT NULL, v text) PARTITION BY RANGE (id);
ALTER TABLE np ATTACH PARTITION t3 FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
ALTER TABLE np DETACH PARTITION t3;
DROP TABLE np;
CREATE TABLE nt(id int);
ALTER SEQUENCE old_seq OWNED BY nt.id;
ALTER SEQUENCE old_seq OWNED BY NONE;
DROP TABLE nt;
COMMIT;$mig$) WHERE rule IS NOT NULL;

-- a relation the script created in an earlier transaction is not new any more
SELECT n, rule, severity, message FROM review($mig$
CREATE TABLE imported(id int, v text);
DELETE FROM imported WHERE id = 1;
DELETE FROM imported;
TRUNCATE imported;
ALTER TABLE imported DROP COLUMN v;
DROP TABLE imported;
$mig$) WHERE rule IS NOT NULL;
-- ... while inside one transaction it is
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TABLE imported(id int, v text);
DELETE FROM imported;
ALTER TABLE imported DROP COLUMN v;
DROP TABLE imported;
COMMIT;$mig$) WHERE rule IS NOT NULL;

-- objects that are never exempt as new: schemas, types (with CASCADE), policies of existing tables
SELECT n, rule, severity FROM review($mig$
CREATE SCHEMA scratch;
DROP SCHEMA scratch;
CREATE TYPE pair AS (a int, b int);
DROP TYPE pair CASCADE;
CREATE POLICY t_all ON t USING (true);
DROP POLICY t_all ON t;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP FUNCTION f();
$mig$) WHERE rule IS NOT NULL;

-- the current settings decide, as for every guard rule
RESET ROLE;
SET migrate_guard.mode = warn;
SELECT n, rule, severity FROM review($mig$BEGIN;
CREATE TABLE lp(id int, v text);
ALTER TABLE t INHERIT lp;
DELETE FROM lp;
COMMIT;$mig$) WHERE rule IS NOT NULL;
RESET migrate_guard.mode;

-- nothing was lost on the way
SELECT count(*) AS t_rows, (SELECT count(*) FROM t3) AS t3_rows FROM t;
