--
-- review_volume: the guard by volume in the review.  With
-- migrate_guard.max_rows_changed set, a DELETE / UPDATE / MERGE / upsert
-- whose planner estimate passes the limit is a danger (mass_delete,
-- mass_update) that says what the guard would do when it runs; a statement
-- that calls a function defined in the database is not planned (planning
-- could call it) but judged on the table's size.
--
SET lock_timeout = '2s';
CREATE TABLE orders(id int PRIMARY KEY, customer int, status text, note text);
INSERT INTO orders SELECT g, g % 100, CASE WHEN g <= 2700 THEN 'done' ELSE 'open' END, 'n'
  FROM generate_series(1, 3000) g;
CREATE TABLE customers(id int PRIMARY KEY, name text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
CREATE TABLE empty_t(id int);
CREATE TABLE events(id int, day date) PARTITION BY RANGE (day);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO events SELECT g, DATE '2023-01-01' + (g % 700) FROM generate_series(1, 1400) g;
CREATE TABLE staging(id int, status text);
INSERT INTO staging SELECT g, 'x' FROM generate_series(1, 2000) g;
CREATE TEMP TABLE scratch AS SELECT g AS id FROM generate_series(1, 5000) g;
CREATE FUNCTION cutoff() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 2990';
VACUUM ANALYZE orders, customers, events_2023, events_2024, staging, scratch;

CREATE FUNCTION volume(script text) RETURNS TABLE(n int, rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, rule, severity, message FROM migrate_guard.check_migration(script)
   WHERE rule IS DISTINCT FROM 'missing_lock_timeout'
$$;

-- the limit is off (0): no estimate, no finding
SHOW migrate_guard.max_rows_changed;
SELECT * FROM volume('DELETE FROM orders WHERE status = ''done''');

SET migrate_guard.max_rows_changed = 1000;
-- above and below the limit; the planner's estimate, per statement
SELECT * FROM volume($mig$
DELETE FROM orders WHERE status = 'done';
DELETE FROM orders WHERE status = 'open';
UPDATE orders SET note = 'archived' WHERE id > 1500;
UPDATE orders SET note = 'archived' WHERE id > 2500;
DELETE FROM orders WHERE id = $1;
DELETE FROM orders WHERE id <> $1;
$mig$);
-- the hint batches the change with the table's key, under the limit
SELECT hint FROM migrate_guard.check_migration('DELETE FROM orders WHERE status = ''done''') WHERE rule = 'mass_delete';
SELECT hint FROM migrate_guard.check_migration('UPDATE orders SET note = ''x''') WHERE rule = 'mass_update';
-- a table without a single-column key: the hint says <key>
SELECT hint FROM migrate_guard.check_migration('DELETE FROM staging WHERE id > 0') WHERE rule = 'mass_delete';
SELECT migrate_guard.migration_verdict('UPDATE orders SET note = ''archived'' WHERE id > 1500');

-- no finding: an empty table, a table the script creates, a temporary table
SELECT * FROM volume($mig$
DELETE FROM empty_t WHERE id > 0;
CREATE TABLE fresh AS SELECT g AS id FROM generate_series(1, 5000) g;
DELETE FROM fresh WHERE id > 0;
DELETE FROM scratch WHERE id > 0;
$mig$);
-- nor a table created earlier in the caller's own transaction (the guard exempts it too)
BEGIN;
CREATE TABLE made_now AS SELECT g AS id FROM generate_series(1, 5000) g;
SELECT * FROM volume('DELETE FROM made_now WHERE id > 0');
ROLLBACK;

-- a function defined in the database: not planned, judged on the table's size
SELECT * FROM volume($mig$
DELETE FROM orders WHERE id > cutoff();
DELETE FROM customers WHERE id > cutoff();
$mig$);

-- a foreign table: its wrapper may consult the remote server to plan, so the statement is judged on sizes
CREATE FOREIGN DATA WRAPPER no_handler;
CREATE SERVER remote FOREIGN DATA WRAPPER no_handler;
CREATE FOREIGN TABLE remote_ids(id int) SERVER remote;
SELECT * FROM volume('DELETE FROM orders USING remote_ids r WHERE orders.id = r.id');

-- every route of one statement: writable CTEs (adding up per table), MERGE, upsert, EXPLAIN ANALYZE, EXECUTE
SELECT * FROM volume($mig$
WITH a AS (DELETE FROM orders WHERE id <= 600 RETURNING id) DELETE FROM orders WHERE id > 2400;
WITH a AS (DELETE FROM orders WHERE id <= 300 RETURNING id) DELETE FROM orders WHERE id > 2700;
MERGE INTO orders o USING staging s ON o.id = s.id WHEN MATCHED THEN UPDATE SET status = s.status;
MERGE INTO orders o USING staging s ON o.id = s.id WHEN MATCHED AND s.id > 1990 THEN DELETE;
INSERT INTO orders SELECT id, 0, 'x', 'y' FROM staging ON CONFLICT (id) DO UPDATE SET status = excluded.status;
INSERT INTO orders SELECT id, 0, 'x', 'y' FROM staging ON CONFLICT (id) DO NOTHING;
EXPLAIN ANALYZE DELETE FROM orders WHERE id > 10;
EXPLAIN DELETE FROM orders WHERE id > 10;
PREPARE purge(int) AS DELETE FROM orders WHERE customer <> $1;
EXECUTE purge(1);
$mig$);

-- a rule's action is a statement of the same execution: estimated too
CREATE TABLE audit_trail(id int);
INSERT INTO audit_trail SELECT g FROM generate_series(1, 4000) g;
ANALYZE audit_trail;
CREATE RULE forget AS ON DELETE TO customers DO ALSO DELETE FROM audit_trail WHERE id > 10;
SELECT * FROM volume('DELETE FROM customers WHERE id = 1');
DROP RULE forget ON customers;

-- partitions: the rows of every partition count for the table the statement names
SELECT * FROM volume($mig$
DELETE FROM events WHERE id > 100;
DELETE FROM events_2023 WHERE id > 100;
DELETE FROM events WHERE day >= '2024-01-01';
$mig$);

-- what the guard would do, under the settings in force: the message says it, the severity stays danger
SET migrate_guard.mode = warn;
SELECT * FROM volume('DELETE FROM orders WHERE id > 100');
RESET migrate_guard.mode;
SET migrate_guard.blocked_rules = 'drop_table';
SELECT * FROM volume('DELETE FROM orders WHERE id > 100');
RESET migrate_guard.blocked_rules;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT * FROM volume('DELETE FROM orders WHERE id > 100');
ROLLBACK;
SET migrate_guard.require_reason = on;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT severity, message, hint FROM migrate_guard.check_migration('DELETE FROM orders WHERE id > 100') WHERE rule = 'mass_delete';
ROLLBACK;
RESET migrate_guard.require_reason;

-- a delete_without_where is blocked by its own rule; the volume says how much on top
SELECT * FROM volume('DELETE FROM orders');

-- the review agrees with the guard when the statements run
BEGIN;
SAVEPOINT s;
DELETE FROM orders WHERE status = 'done';
ROLLBACK TO s;
DELETE FROM orders WHERE status = 'open';
UPDATE orders SET note = 'archived' WHERE id > 2500;
ROLLBACK;
SELECT count(*) AS orders_kept FROM orders;

-- the review ran nothing: no row changed, no transaction id
BEGIN;
SELECT count(*) > 0 AS reviewed FROM migrate_guard.check_migration('DELETE FROM orders WHERE id > 0; UPDATE orders SET note = NULL');
SELECT pg_current_xact_id_if_assigned() IS NULL AS nothing_written;
COMMIT;
RESET migrate_guard.max_rows_changed;
