--
-- guard_routes: statements are caught wherever they run
--
\set VERBOSITY default
CREATE TABLE r(id int, v text);
INSERT INTO r VALUES (1, 'a'), (2, 'b');
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON r TO mg_app;

-- DO blocks, static and dynamic SQL
DO $$ BEGIN DELETE FROM r; END $$;
DO $$ BEGIN EXECUTE 'TRUNCATE r'; END $$;
DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'r'); END $$;

-- SQL functions: classic body and BEGIN ATOMIC body
CREATE FUNCTION wipe_sql() RETURNS void LANGUAGE sql AS 'DELETE FROM r';
SELECT wipe_sql();
CREATE FUNCTION wipe_atomic() RETURNS void LANGUAGE sql BEGIN ATOMIC DELETE FROM r; END;
SELECT wipe_atomic();

-- PL/pgSQL functions and procedures
CREATE FUNCTION drop_r() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE r; END $$;
SELECT drop_r();
CREATE PROCEDURE truncate_r() LANGUAGE plpgsql AS $$ BEGIN TRUNCATE r; END $$;
CALL truncate_r();

-- SECURITY DEFINER functions owned by a superuser, called by a plain role
CREATE FUNCTION definer_wipe() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
  AS $$ BEGIN UPDATE r SET v = NULL; END $$;
GRANT EXECUTE ON FUNCTION definer_wipe() TO mg_app;
SET ROLE mg_app;
SELECT definer_wipe();
RESET ROLE;

-- PREPARE / EXECUTE: preparing is harmless, executing is refused
PREPARE wipe AS DELETE FROM r;
EXECUTE wipe;
PREPARE set_all(text) AS UPDATE r SET v = $1;
EXECUTE set_all('z');

-- a multi-statement string: nothing of it runs
SELECT 1 AS before \; DROP TABLE r \; SELECT 2 AS after;
INSERT INTO r VALUES (3, 'c') \; DELETE FROM r \; INSERT INTO r VALUES (4, 'd');

-- writable CTEs
WITH gone AS (DELETE FROM r RETURNING *) SELECT count(*) FROM gone;
WITH s AS (SELECT 1) UPDATE r SET v = 'q';
WITH gone AS (DELETE FROM r WHERE id = 99 RETURNING *), also AS (UPDATE r SET v = 'x' RETURNING *)
  SELECT count(*) FROM gone, also;

-- a rule that turns an INSERT into a DELETE of everything
CREATE TABLE r_audit(id int);
CREATE RULE r_audit_wipe AS ON INSERT TO r_audit DO ALSO DELETE FROM r;
INSERT INTO r_audit VALUES (1);
DROP RULE r_audit_wipe ON r_audit;

-- through an updatable view
CREATE VIEW r_view AS SELECT * FROM r;
DELETE FROM r_view;

-- COPY of a DELETE ... RETURNING
COPY (DELETE FROM r RETURNING id) TO STDOUT;

-- session_replication_role = replica does not switch the guard off
SET session_replication_role = replica;
DROP TABLE r;
DELETE FROM r;
RESET session_replication_role;

-- EXPLAIN only plans (allowed); EXPLAIN ANALYZE runs the statement (refused)
EXPLAIN (COSTS OFF) DELETE FROM r;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM r;

-- a plan cached while the flag was on is checked again once it is off
CREATE FUNCTION wipe_cached() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM r;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT wipe_cached();
ROLLBACK;
SELECT wipe_cached();
-- the same for a prepared statement executed under the flag
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
EXECUTE wipe;
ROLLBACK;
EXECUTE wipe;
DEALLOCATE wipe;

-- everything is intact
SELECT * FROM r ORDER BY id;
