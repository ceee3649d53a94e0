--
-- guard_exemptions: what the guard never refuses
--
\set VERBOSITY default

-- temporary objects
CREATE TEMP TABLE scratch(id int, junk text);
INSERT INTO scratch VALUES (1, 'a'), (2, 'b');
DELETE FROM scratch WHERE id = 1;
DELETE FROM scratch;
UPDATE scratch SET id = 0;
ALTER TABLE scratch DROP COLUMN junk;
ALTER TABLE scratch ALTER COLUMN id TYPE bigint;
TRUNCATE scratch;
CREATE TEMP VIEW scratch_view AS SELECT * FROM scratch;
DROP VIEW scratch_view CASCADE;
DROP TABLE scratch CASCADE;
CREATE FUNCTION pg_temp.tmp_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP FUNCTION pg_temp.tmp_fn() CASCADE;

-- relations created earlier in the same transaction
BEGIN;
CREATE TABLE staging(id int, junk text);
INSERT INTO staging VALUES (1, 'x');
DELETE FROM staging;
UPDATE staging SET id = 1;
ALTER TABLE staging DROP COLUMN junk;
ALTER TABLE staging ALTER COLUMN id TYPE bigint;
ALTER TABLE staging DISABLE ROW LEVEL SECURITY;
TRUNCATE staging;
CREATE TABLE staging_copy AS SELECT * FROM staging;
DROP TABLE staging_copy;
DROP TABLE staging CASCADE;
COMMIT;
-- ... but only in that transaction
CREATE TABLE kept(id int);
INSERT INTO kept VALUES (1), (2);
DROP TABLE kept;
DELETE FROM kept;
-- a plan cached while the table was new is checked again in the next transaction
BEGIN;
CREATE TABLE fresh(id int);
INSERT INTO fresh VALUES (1), (2);
CREATE FUNCTION wipe_fresh() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM fresh;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
SELECT wipe_fresh();
INSERT INTO fresh VALUES (3);
COMMIT;
SELECT wipe_fresh();
SELECT count(*) AS fresh_rows FROM fresh;

-- DELETE and UPDATE with a WHERE clause
INSERT INTO kept VALUES (3), (4);
DELETE FROM kept WHERE id = 1;
UPDATE kept SET id = id + 10 WHERE id > 3;
DELETE FROM kept WHERE id IN (SELECT 2);
DELETE FROM kept WHERE false;
DELETE FROM kept k USING (VALUES (3)) v(x) WHERE k.id = v.x;
MERGE INTO kept k USING (VALUES (14)) v(x) ON k.id = v.x WHEN MATCHED THEN DELETE;
SELECT * FROM kept ORDER BY id;

-- objects of an extension while its own CREATE/ALTER EXTENSION script runs
CREATE EXTENSION mg_test_ext VERSION '1.0';
SELECT * FROM mg_test_ext_data ORDER BY id;
-- the 1.1 script deletes, updates, truncates and drops its own objects
ALTER EXTENSION mg_test_ext UPDATE TO '1.1';
SELECT attname FROM pg_attribute WHERE attrelid = 'mg_test_ext_data'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;
SELECT to_regclass('mg_test_ext_old') AS old_table;
-- the 1.2 script drops a table that is not its own: refused
CREATE TABLE mg_not_a_member(id int);
ALTER EXTENSION mg_test_ext UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'mg_test_ext';
SELECT to_regclass('mg_not_a_member') IS NOT NULL AS still_there;
-- outside its script, the extension's table is guarded like any other
INSERT INTO mg_test_ext_data VALUES (5, 5);
DELETE FROM mg_test_ext_data;
