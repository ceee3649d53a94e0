--
-- review_set_schema: relations and columns the script renames or moves.
-- The review replays ALTER TABLE ... SET SCHEMA, ALTER TABLE ... RENAME and
-- RENAME COLUMN; a later statement naming the object by its new name is
-- judged on the real, existing object: the guard's classifier (which looks
-- names up in the live catalog) gets the catalog's names, so drop_column,
-- drop_table, truncate, delete_without_where ... are `blocked` as the guard
-- refuses them when the script runs, and sizes and locks are the table's.
--
SET lock_timeout = '2s';
CREATE TABLE orders(id int PRIMARY KEY, note text);
INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 1000) g;
VACUUM ANALYZE orders;

-- moved to another schema, then a column dropped and the table dropped
SELECT statement_no, command_tag, lock_mode, relations, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
ALTER TABLE s2.orders DROP COLUMN note;
DROP TABLE s2.orders;
$m$);
SELECT migrate_guard.migration_verdict($m$CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
DROP TABLE s2.orders;$m$) AS verdict;

-- the moved table keeps its size (not new, not unknown)
SELECT statement_no, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
ALTER TABLE s2.orders ADD COLUMN must int NOT NULL;
$m$) WHERE statement_no = 4;

-- found through the script's own search_path
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
SET search_path = s2, public;
TRUNCATE orders;
DELETE FROM orders;
UPDATE orders SET note = NULL;
$m$);

-- renamed, then the same rules under the new name
SELECT statement_no, command_tag, lock_mode, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
ALTER TABLE orders RENAME TO orders_old;
ALTER TABLE orders_old DISABLE ROW LEVEL SECURITY;
DELETE FROM orders_old;
COPY (DELETE FROM orders_old RETURNING id) TO STDOUT;
TRUNCATE orders_old;
DROP TABLE orders_old;
$m$);

-- a renamed column: dropped or converted under its new name
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
ALTER TABLE orders RENAME COLUMN note TO memo;
ALTER TABLE orders RENAME COLUMN memo TO remark;
ALTER TABLE orders DROP COLUMN remark;
$m$) WHERE rule IS DISTINCT FROM 'rename';
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
ALTER TABLE orders RENAME COLUMN note TO memo;
ALTER TABLE orders ALTER COLUMN memo TYPE int USING 0;
$m$) WHERE rule IS DISTINCT FROM 'rename';

-- moved and renamed: a CTE of the same name is still the CTE
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
ALTER TABLE s2.orders RENAME TO archive;
WITH orders AS (SELECT 1 AS id) DELETE FROM s2.archive WHERE id IN (SELECT id FROM orders);
WITH orders AS (DELETE FROM s2.archive RETURNING id) SELECT count(*) FROM orders;
$m$);

-- the old names no longer answer once the table is moved, renamed or dropped
SELECT statement_no, command_tag, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
ALTER TABLE s2.orders RENAME TO archive;
DELETE FROM orders WHERE id = 1;
DELETE FROM s2.orders WHERE id = 1;
DROP TABLE s2.archive;
DELETE FROM s2.archive WHERE id = 1;
$m$);

-- after a DROP, an unqualified name means the table further down the script's search_path
CREATE SCHEMA other;
CREATE TABLE other.events(id int);
INSERT INTO other.events SELECT g FROM generate_series(1, 10) g;
CREATE TABLE events(id int);
SELECT statement_no, command_tag, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '5s';
SET search_path = public, other;
DROP TABLE public.events;
DELETE FROM events;
$m$) WHERE statement_no > 3;

-- the review changed nothing
SELECT count(*) AS orders_rows, (SELECT count(*) FROM pg_namespace WHERE nspname = 's2') AS s2_schemas FROM orders;

-- the guard, when the script runs
BEGIN;
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
ALTER TABLE s2.orders DROP COLUMN note;
ROLLBACK;
BEGIN;
CREATE SCHEMA s2;
ALTER TABLE orders SET SCHEMA s2;
DROP TABLE s2.orders;
ROLLBACK;
BEGIN;
ALTER TABLE orders RENAME COLUMN note TO memo;
ALTER TABLE orders DROP COLUMN memo;
ROLLBACK;
