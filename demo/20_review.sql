-- migrate_guard demo, step 20: review a migration before it reaches production
\set VERBOSITY default
\pset footer off

\echo
\echo '================================================================'
\echo ' migrate_guard demo: the migration review ("... SAFE TO DEPLOY")'
\echo '================================================================'
CREATE DATABASE shop;
\c shop
CREATE EXTENSION migrate_guard;
\set ECHO queries
-- production-like data: 50,000 customers (one e-mail twice), 200,000 orders
CREATE TABLE customers(id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders(id bigint PRIMARY KEY, customer_id bigint NOT NULL, total_cents integer NOT NULL);
INSERT INTO customers SELECT g, 'customer' || g || '@example.com', now() FROM generate_series(1, 50000) g;
UPDATE customers SET email = 'customer1@example.com' WHERE id = 2;
INSERT INTO orders SELECT g, 1 + g % 50000, g % 10000 FROM generate_series(1, 200000) g;
VACUUM ANALYZE customers, orders;
-- the migration files, as the deploy pipeline would send them
CREATE TEMP TABLE migration_files(name text PRIMARY KEY, body text);
\set ECHO none
\set body `cat demo/migrations/042_billing.sql`
INSERT INTO migration_files VALUES ('042_billing.sql', :'body');
\set body `cat demo/migrations/042_billing_fixed.sql`
INSERT INTO migration_files VALUES ('042_billing_fixed.sql', :'body');
\set ECHO queries
CREATE TEMP VIEW review AS
  SELECT f.name, c.* FROM migration_files f, migrate_guard.check_migration(f.body) c;

\echo
\echo '--- 1. The migration file the team wants to deploy'
\! cat -n demo/migrations/042_billing.sql

\echo
\echo '--- 2. Its verdict, and every rule it trips'
SELECT migrate_guard.migration_verdict(body) FROM migration_files WHERE name = '042_billing.sql';
SELECT rule, severity, count(*) AS statements, string_agg(statement_no::text, ', ') AS "statement #"
  FROM review WHERE name = '042_billing.sql' AND severity <> 'ok' GROUP BY rule, severity ORDER BY 2 DESC, 1;

\echo
\echo '--- 3. What happens and why (which lock, on what, how big), and the safe recipe with the real names'
\x on
SELECT statement_no AS "#", line, statement, lock_mode, rule, severity, message, hint
  FROM review WHERE name = '042_billing.sql' AND severity = 'danger';
\x off

\echo
\echo '--- 4. probe => true reads the data too (read-only, as this role, time-boxed): the UNIQUE would fail'
SELECT c.statement_no AS "#", c.rule, c.severity, c.message
  FROM migration_files f, migrate_guard.check_migration(f.body, probe => true) c
 WHERE f.name = '042_billing.sql' AND c.rule LIKE '%violation';

\echo
\echo '--- 5. The team fixes the duplicate e-mail and rewrites the migration'
UPDATE customers SET email = 'customer2@example.com' WHERE id = 2;
\! cat -n demo/migrations/042_billing_fixed.sql
SELECT migrate_guard.migration_verdict(body, probe => true) FROM migration_files WHERE name = '042_billing_fixed.sql';
SELECT statement_no AS "#", line, lock_mode, relations, rewrites, coalesce(rule, '-') AS rule, severity
  FROM review WHERE name = '042_billing_fixed.sql';

\echo
\echo '--- 6. Nothing was run by the reviews: no plans table, no plan_id column yet'
SELECT to_regclass('plans') AS plans_table,
       (SELECT count(*) FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname = 'plan_id') AS plan_id_columns;

\echo
\echo '--- 7. Deploy the reviewed file: it runs, taking only short, bounded locks'
\i demo/migrations/042_billing_fixed.sql
SELECT count(*) AS customers_with_a_plan FROM customers WHERE plan_id IS NOT NULL;

\echo
\echo '--- 8. And the guard''s rules are in the review too: a later migration that drops the plans'
SELECT statement_no AS "#", rule, severity, message FROM migrate_guard.check_migration('DROP TABLE plans CASCADE');
SELECT migrate_guard.migration_verdict('DROP TABLE plans CASCADE');

\echo
\echo '--- 9. Production limits the rows one statement may change (the guard by volume): the review estimates'
\echo '---    each DELETE/UPDATE with the planner and says which ones the guard would stop, with the batched recipe'
SET migrate_guard.max_rows_changed = 10000;   -- in production: ALTER DATABASE ... SET
\x on
SELECT statement_no AS "#", statement, rule, severity, message, hint FROM migrate_guard.check_migration($mig$
UPDATE orders SET total_cents = total_cents + 1 WHERE customer_id > 1000;
DELETE FROM orders WHERE customer_id = 42;
$mig$);
\x off
RESET migrate_guard.max_rows_changed;
