--
-- review_index: CREATE INDEX / DROP INDEX / REINDEX without CONCURRENTLY,
-- and statements PostgreSQL refuses inside a transaction block.  Each
-- catalog-dependent decision on both sides: big vs empty vs created earlier
-- in the script; concurrent vs not; inside vs outside BEGIN ... COMMIT.
--
SET lock_timeout = '2s';
CREATE TABLE orders(id bigint PRIMARY KEY, customer_id bigint, total numeric);
INSERT INTO orders SELECT g, g % 500, g FROM generate_series(1, 20000) g;
CREATE TABLE empty_orders(id bigint, customer_id bigint);
CREATE TABLE deleted_orders(id bigint, customer_id bigint);
INSERT INTO deleted_orders SELECT g, g FROM generate_series(1, 1000) g;
DELETE FROM deleted_orders WHERE id > 0;   -- pages remain, no visible row: empty
CREATE TABLE parted(id bigint, created date) PARTITION BY RANGE (created);
CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO parted SELECT g, '2024-06-01' FROM generate_series(1, 3000) g;
CREATE INDEX orders_total_idx ON orders (total);
CREATE INDEX empty_orders_idx ON empty_orders (customer_id);
ANALYZE orders, empty_orders, parted, parted_2024;

CREATE FUNCTION review(script text) RETURNS TABLE(n int, lock_mode text, relations text[], rewrites boolean,
                                                  rule text, severity text, message text, hint text)
LANGUAGE sql AS $$
  SELECT statement_no, lock_mode, relations, rewrites, rule, severity, message, hint
    FROM migrate_guard.check_migration(script)
$$;

-- CREATE INDEX: danger on a table with rows (ShareLock for the whole build), ok when empty or new
SELECT * FROM review('CREATE INDEX orders_customer_idx ON orders (customer_id)');
SELECT n, lock_mode, relations, rule, severity, message FROM review('CREATE INDEX ON empty_orders (id)');
SELECT n, lock_mode, relations, rule, severity, message FROM review('CREATE INDEX ON deleted_orders (id)');
SELECT n, lock_mode, relations, rule, severity, message FROM review($mig$
CREATE TABLE invoices(id bigint, order_id bigint);
CREATE INDEX invoices_order_idx ON invoices (order_id);
$mig$);
-- the hint keeps the statement as written, with CONCURRENTLY
SELECT hint FROM review(E'create unique index if not exists\n  "Orders_Total" on public.orders using btree (total) where total > 0');
-- CONCURRENTLY: ShareUpdateExclusiveLock, nothing to report
SELECT n, lock_mode, rule, severity FROM review('CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id)');
-- a partitioned table: CONCURRENTLY fails there; the recipe goes through its partitions
SELECT n, lock_mode, relations, rule, severity, message, hint FROM review('CREATE INDEX ON parted (id)');
SELECT n, rule, severity, message FROM review('CREATE INDEX CONCURRENTLY ON parted (id)');
SELECT n, lock_mode, rule, severity, message FROM review($mig$
CREATE INDEX parted_id_idx ON ONLY parted (id);
CREATE INDEX CONCURRENTLY parted_2024_id_idx ON parted_2024 (id);
ALTER INDEX parted_id_idx ATTACH PARTITION parted_2024_id_idx;
$mig$);
-- a table that does not exist and is not created by the script
SELECT n, rule, severity FROM review('CREATE INDEX ON no_such_table (id)');

-- DROP INDEX: a brief AccessExclusiveLock that queues behind every query: warn; ok when empty or new
SELECT * FROM review('DROP INDEX orders_total_idx');
SELECT n, rule, severity FROM review('DROP INDEX CONCURRENTLY orders_total_idx');
SELECT n, lock_mode, rule, severity, message FROM review('DROP INDEX empty_orders_idx');
SELECT n, rule, severity, message FROM review('CREATE INDEX tmp_idx ON empty_orders (id); DROP INDEX tmp_idx');
SELECT n, rule, severity FROM review('DROP INDEX IF EXISTS no_such_index');

-- REINDEX: ShareLock on the table, AccessExclusiveLock on the index, rewrites the index
SELECT n, lock_mode, relations, rewrites, rule, severity, hint FROM review('REINDEX INDEX orders_total_idx');
SELECT n, lock_mode, relations, rewrites, rule, severity FROM review('REINDEX TABLE orders');
SELECT n, lock_mode, rewrites, rule, severity FROM review('REINDEX (VERBOSE) TABLE CONCURRENTLY orders');
SELECT n, rule, severity FROM review('REINDEX TABLE empty_orders');

-- inside BEGIN ... COMMIT, CONCURRENTLY (and VACUUM, ...) is refused by PostgreSQL: danger
SELECT n, rule, severity, message, hint FROM review($mig$
BEGIN;
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
DROP INDEX CONCURRENTLY orders_total_idx;
REINDEX INDEX CONCURRENTLY orders_pkey;
VACUUM orders;
ANALYZE orders;
COMMIT;
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
VACUUM orders;
START TRANSACTION;
CREATE INDEX CONCURRENTLY orders_customer_idx2 ON orders (customer_id);
ROLLBACK;
$mig$) WHERE rule IS NOT NULL;
