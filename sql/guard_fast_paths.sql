--
-- guard_fast_paths: the hooks' cheap exits (a plain SELECT skips the
-- ExecutorStart checks, BEGIN/COMMIT/PREPARE/EXECUTE skip the ProcessUtility
-- ones, the usual `WHERE id = 42` is classified without a tree walk, a write
-- to a user table is judged in a few tests, a plan naming only the tables it
-- scans is not searched for sequence writes) let nothing through that the
-- full checks refuse: every case below sits just across one of them.
--
\set VERBOSITY default
CREATE TABLE t(id int PRIMARY KEY, name varchar(20), v text);
INSERT INTO t SELECT g, 'n' || g, 'v' || g FROM generate_series(1, 5) g;
CREATE TABLE other(x int, flag bool);
INSERT INTO other VALUES (1, true), (2, false);

-- planner: a column of t as an operator's operand restricts (allowed) ...
UPDATE t SET v = v WHERE id = 100;
UPDATE t SET v = v WHERE name = 'none';
DELETE FROM t WHERE id = 100 AND (SELECT true);
DELETE FROM t WHERE id = 100 OR id = 101;
DELETE FROM t USING other WHERE other.x = t.id + 100 OR t.id = 100;
-- ... not when the operand is another table's column, or one branch of an OR
-- is no such operator: the full classification refuses these
UPDATE t SET v = 'x' FROM other o WHERE o.x = 1;
DELETE FROM t WHERE id = 100 OR true;
DELETE FROM t WHERE NOT (id = 100) OR true;
UPDATE t SET v = 'x' WHERE (id = 100) IS NOT TRUE OR true;

-- ExecutorStart: a SELECT that writes (writable CTE, a function's DELETE) is judged
WITH d AS (DELETE FROM t RETURNING 1) SELECT count(*) FROM d;
CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS 'DELETE FROM t WHERE v IS NULL OR true';
SELECT wipe();
WITH u AS (UPDATE t SET v = v WHERE id = 1 RETURNING 1) SELECT count(*) FROM u;
-- a write to the extension's table (INSERT included) is judged; to a user table it runs
INSERT INTO migrate_guard.ddl_log(command_tag) VALUES ('forged');
INSERT INTO other VALUES (3, false);

-- planner: a plan naming a relation it does not scan (a sequence) is searched
SELECT id FROM t WHERE id = nextval('migrate_guard.ddl_log_id_seq');
SELECT count(*) FROM t WHERE id > 0;

-- ProcessUtility: transaction control and prepared statements pass straight
-- through, what they run is judged when it executes; COPY is not skipped
BEGIN;
DELETE FROM t WHERE (SELECT true);
ROLLBACK;
PREPARE d AS DELETE FROM t;
EXECUTE d;
DEALLOCATE d;
COPY migrate_guard.ddl_log(command_tag) FROM STDIN;
forged
\.
EXPLAIN (COSTS OFF) DELETE FROM t;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
SELECT count(*) AS rows_left FROM t;
SELECT count(*) AS forged_rows FROM migrate_guard.ddl_log WHERE command_tag = 'forged';
