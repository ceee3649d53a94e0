--
-- review_drop_identity: ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY drops
-- the column's identity sequence, which the guard judges at the point of
-- effect (object_access_hook) as drop_sequence.  The review says so for an
-- existing identity column (IF EXISTS too), and not for a column that is no
-- identity or a table the script creates; under the flag it is danger.
--
CREATE TABLE orders(id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
INSERT INTO orders(note) SELECT 'n' || g FROM generate_series(1, 100) g;
ALTER TABLE orders OWNER TO mg_app;
SET ROLE mg_app;
SELECT statement_no, command_tag, lock_mode, rule, severity, message
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
ALTER TABLE orders ALTER COLUMN id DROP IDENTITY;
ALTER TABLE orders ALTER COLUMN note DROP IDENTITY IF EXISTS;
CREATE TABLE fresh (id int GENERATED ALWAYS AS IDENTITY);
ALTER TABLE fresh ALTER COLUMN id DROP IDENTITY;
$m$);
SELECT migrate_guard.migration_verdict($m$SET lock_timeout = '1s';
ALTER TABLE orders ALTER COLUMN id DROP IDENTITY IF EXISTS;
$m$) AS verdict;
-- a renamed column is found under its new name
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration($m$SET lock_timeout = '1s';
ALTER TABLE orders RENAME COLUMN id TO order_id;
ALTER TABLE orders ALTER COLUMN order_id DROP IDENTITY;
$m$) WHERE rule IS DISTINCT FROM 'rename';
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE orders ALTER COLUMN id DROP IDENTITY;
ROLLBACK;
BEGIN;
SET lock_timeout = '1s';
ALTER TABLE orders ALTER COLUMN note DROP IDENTITY IF EXISTS;
ROLLBACK;
RESET ROLE;
-- under the flag (an admin): danger, and the guard lets it run
SET ROLE mg_admin;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT statement_no, rule, severity
  FROM migrate_guard.check_migration('ALTER TABLE orders ALTER COLUMN id DROP IDENTITY;')
 WHERE rule = 'drop_sequence';
ROLLBACK;
RESET ROLE;
