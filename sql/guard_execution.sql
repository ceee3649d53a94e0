--
-- guard_execution: DELETE/UPDATE/MERGE are judged each time they execute,
-- with that execution's parameter values; EXPLAIN neither runs nor weakens
--
\set VERBOSITY default
CREATE TABLE t(id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 5) g;

-- a plan made under EXPLAIN is cached, then executed: refused at execution
PREPARE p AS DELETE FROM t;
EXPLAIN (COSTS OFF) EXECUTE p;
EXECUTE p;
EXECUTE p;
DEALLOCATE p;
-- the same with a generic plan forced, and an UPDATE
SET plan_cache_mode = force_generic_plan;
PREPARE u AS UPDATE t SET v = 'x';
EXPLAIN (COSTS OFF) EXECUTE u;
EXECUTE u;
DEALLOCATE u;
RESET plan_cache_mode;

-- EXPLAIN options: PostgreSQL obeys the last one
EXPLAIN (ANALYZE false, ANALYZE true, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM t;
EXPLAIN (ANALYZE true, ANALYZE false, COSTS OFF) DELETE FROM t;
EXPLAIN (ANALYZE on, COSTS OFF, TIMING OFF, SUMMARY OFF) UPDATE t SET v = 'y';
-- a plain EXPLAIN of any DELETE only plans: allowed
EXPLAIN (COSTS OFF) DELETE FROM t;
EXPLAIN (COSTS OFF) DELETE FROM t WHERE (SELECT true);
EXPLAIN (VERBOSE, COSTS OFF) MERGE INTO t USING (VALUES (1)) s(x) ON true WHEN MATCHED THEN DELETE;

-- a function evaluated while planning (an IMMUTABLE one calling a volatile one that deletes)
CREATE FUNCTION wipe_t() RETURNS int LANGUAGE plpgsql VOLATILE AS $$ BEGIN DELETE FROM t; RETURN 1; END $$;
CREATE FUNCTION folded() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN wipe_t(); END $$;
EXPLAIN (COSTS OFF) SELECT folded();
SELECT folded();
-- in a WHERE clause that the planner folds
EXPLAIN (COSTS OFF) SELECT * FROM t WHERE id = folded();

-- parameters: judged with the values of each execution (custom and generic plans)
PREPARE opt(int) AS DELETE FROM t WHERE $1 IS NULL OR id = $1;
EXECUTE opt(99);
EXECUTE opt(NULL);
SET plan_cache_mode = force_generic_plan;
EXECUTE opt(98);
EXECUTE opt(NULL);
PREPARE flag(bool) AS DELETE FROM t WHERE id < 0 OR $1;
EXECUTE flag(false);
EXECUTE flag(true);
RESET plan_cache_mode;
-- after five custom plans PostgreSQL may switch to a generic one: still judged per execution
PREPARE many(int) AS UPDATE t SET v = v WHERE $1 IS NULL OR id = $1;
EXECUTE many(1); EXECUTE many(1); EXECUTE many(1); EXECUTE many(1); EXECUTE many(1); EXECUTE many(1);
EXECUTE many(NULL);
DEALLOCATE ALL;

-- SQL functions and PL/pgSQL: the arguments of each call
CREATE FUNCTION del_sql(int) RETURNS void LANGUAGE sql AS 'DELETE FROM t WHERE $1 IS NULL OR id = $1';
SELECT del_sql(97);
SELECT del_sql(NULL);
CREATE FUNCTION del_plpgsql(k int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM t WHERE k IS NULL OR id = k;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
SELECT del_plpgsql(96);
SELECT del_plpgsql(96), del_plpgsql(96), del_plpgsql(96), del_plpgsql(96), del_plpgsql(96), del_plpgsql(96);
SELECT del_plpgsql(NULL);

-- a cached plan allowed under the flag is refused once the flag is off (no plan-cache reset needed)
CREATE FUNCTION wipe_cached() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  UPDATE t SET v = v;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT wipe_cached();
SELECT wipe_cached();
ROLLBACK;
SELECT wipe_cached();

-- every refusal is in blocked_attempts, with the statement that ran
SELECT rule, object_identity, statement, repeat_count FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;

-- nothing was changed
SELECT * FROM t ORDER BY id;

-- a generic plan of a WHERE that mentions a column, and a stable function that folds at execution
PREPARE stable_where AS DELETE FROM t WHERE id < 0 OR now() IS NOT NULL;
EXECUTE stable_where;
SELECT count(*) AS still_five FROM t;
