--
-- review_rewrite_forms: statements whose cost hides behind a harmless look.
--   * ALTER COLUMN ... TYPE with the same type and another COLLATE (or an
--     ALTER TYPE that resets a column's collation) rewrites no row, but
--     PostgreSQL builds every index on the column again, as CheckIndexCompatible()
--     finds its collation changed: table_rewrite, rewrites = t.  An index
--     whose collation is its own (COLLATE in the index) is kept, and so are
--     the indexes of a binary-coercible change that keeps the collation.
--   * ALTER INDEX ... SET TABLESPACE copies the index: sized by the index,
--     never "empty" for an index of a table with rows.
--   * ALTER TABLE ALL IN TABLESPACE moves every table PostgreSQL selects.
--   * ADD COLUMN ... NOT NULL DEFAULT NULL: PostgreSQL stores no NULL default,
--     so it fails on a table with rows, like NOT NULL without a default.
-- Each is checked against what PostgreSQL does.
--
SET lock_timeout = '2s';
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE review_forms_ts LOCATION '';
RESET allow_in_place_tablespaces;
CREATE TABLE orders(id int PRIMARY KEY, note varchar(100), code text, tag text);
INSERT INTO orders SELECT g, 'n' || g, 'c' || g, 't' || g FROM generate_series(1, 20000) g;
CREATE INDEX orders_note_idx ON orders(note);
CREATE INDEX orders_code_c_idx ON orders(code COLLATE "C");
CREATE INDEX orders_tag_lower_idx ON orders(lower(tag));
CREATE TABLE empty_t(id int, note text);
CREATE INDEX ON empty_t(note);
VACUUM ANALYZE orders, empty_t;

SELECT statement_no, command_tag, lock_mode, rewrites, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN note TYPE varchar(100) COLLATE "C";
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);
ALTER TABLE orders ALTER COLUMN code TYPE text COLLATE "POSIX";
ALTER TABLE orders ALTER COLUMN tag TYPE text COLLATE "C";
ALTER TABLE empty_t ALTER COLUMN note TYPE text COLLATE "C";
ALTER INDEX orders_pkey SET TABLESPACE review_forms_ts;
ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE review_forms_ts;
ALTER TABLE orders ADD COLUMN c int NOT NULL DEFAULT NULL;
ALTER TABLE orders ADD COLUMN d int NOT NULL DEFAULT NULL::int;
ALTER TABLE orders ADD COLUMN e int NOT NULL DEFAULT (CASE WHEN false THEN 1 END);
ALTER TABLE orders ADD COLUMN f int NOT NULL DEFAULT 0;
ALTER TABLE empty_t ADD COLUMN c int NOT NULL DEFAULT NULL;
$m$) WHERE rule IS DISTINCT FROM 'missing_lock_timeout' ORDER BY statement_no, rule;
SELECT statement_no, message FROM migrate_guard.check_migration($m$
ALTER TABLE orders ALTER COLUMN note TYPE varchar(100) COLLATE "C";
ALTER TABLE orders ALTER COLUMN tag TYPE text COLLATE "C";
ALTER INDEX orders_pkey SET TABLESPACE review_forms_ts;
ALTER TABLE orders ADD COLUMN c int NOT NULL DEFAULT NULL;
$m$) WHERE rule IN ('table_rewrite', 'not_null_without_default') ORDER BY 1;

-- what PostgreSQL does: which indexes get a new file
CREATE TEMP TABLE files AS SELECT relname, relfilenode FROM pg_class WHERE relname LIKE 'orders%';
CREATE FUNCTION new_files(ddl text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE changed text;
BEGIN
  PERFORM set_config('migrate_guard.allow_destructive', 'on', true);
  EXECUTE ddl;
  SELECT string_agg(f.relname, ', ' ORDER BY f.relname) INTO changed
    FROM files f JOIN pg_class c USING (relname) WHERE c.relfilenode <> f.relfilenode;
  RAISE EXCEPTION USING MESSAGE = coalesce(changed, 'none');
EXCEPTION WHEN raise_exception THEN
  RETURN SQLERRM;
END $$;
SELECT ddl, new_files(ddl) FROM (VALUES
  ('ALTER TABLE orders ALTER COLUMN note TYPE varchar(100) COLLATE "C"'),
  ('ALTER TABLE orders ALTER COLUMN note TYPE varchar(200)'),
  ('ALTER TABLE orders ALTER COLUMN code TYPE text COLLATE "POSIX"'),
  ('ALTER TABLE orders ALTER COLUMN tag TYPE text COLLATE "C"')) AS s(ddl);
SELECT pg_relation_size('orders_pkey') > 0 AS pkey_not_empty;
\set VERBOSITY terse
ALTER TABLE orders ADD COLUMN c int NOT NULL DEFAULT NULL;
ALTER TABLE orders ADD COLUMN e int NOT NULL DEFAULT (CASE WHEN false THEN 1 END);
ALTER TABLE empty_t ADD COLUMN c int NOT NULL DEFAULT NULL;
\set VERBOSITY default
DROP TABLESPACE review_forms_ts;
