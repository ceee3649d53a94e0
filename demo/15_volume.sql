-- migrate_guard demo, step 15: the guard by volume (run by `make demo` after step 10)
\set ECHO queries
\set VERBOSITY default
\pset footer off

\echo
\echo '================================================================'
\echo ' The guard by volume: a WHERE clause is no proof of a small change'
\echo '================================================================'
CREATE DATABASE volume_demo;
\c volume_demo
CREATE EXTENSION migrate_guard;
DO $$ BEGIN
  CREATE ROLE migrate_guard_admin NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  CREATE ROLE alice LOGIN IN ROLE migrate_guard_admin;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE shop_customers(id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE shop_orders(id bigint PRIMARY KEY,
                         customer_id bigint NOT NULL REFERENCES shop_customers ON DELETE CASCADE,
                         created_at timestamptz NOT NULL, total numeric(12,2) NOT NULL);
INSERT INTO shop_customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
INSERT INTO shop_orders SELECT g, 1 + g % 50, now() - g * interval '1 hour', g FROM generate_series(1, 2000) g;
GRANT ALL ON shop_customers, shop_orders TO PUBLIC;

\echo
\echo '--- 1. Production says: no statement changes more than 100 rows of a table'
ALTER DATABASE volume_demo SET migrate_guard.max_rows_changed = 100;
\c
SELECT value AS max_rows_changed FROM migrate_guard.status() WHERE setting = 'max_rows_changed';

\echo
\echo '--- 2. A clean-up whose WHERE clause matches far more than intended: stopped at row 101, nothing deleted'
DELETE FROM shop_orders WHERE created_at < now();
SELECT count(*) AS orders_still_there FROM shop_orders;

\echo
\echo '--- 3. An upsert that would overwrite 500 existing rows (the 500 new ones alone would be fine)'
INSERT INTO shop_orders SELECT g, 1, now(), 0 FROM generate_series(1501, 2500) g
  ON CONFLICT (id) DO UPDATE SET total = 0;

\echo
\echo '--- 4. Deleting 3 customers deletes 120 orders through ON DELETE CASCADE: counted too'
DELETE FROM shop_customers WHERE id <= 3;

\echo
\echo '--- 5. Ordinary changes run as always'
DELETE FROM shop_orders WHERE id <= 40;
UPDATE shop_orders SET total = total + 1 WHERE customer_id = 7;

\echo
\echo '--- 6. A planned mass change: an admin, with the flag and a reason; the audit log keeps the final count'
SET ROLE alice;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'RELEASE-43: drop orders older than 60 days';
DELETE FROM shop_orders WHERE created_at < now() - interval '60 days';
COMMIT;
RESET ROLE;
SELECT rule, object_identity, overridden, reason, detail, statement
  FROM migrate_guard.ddl_log WHERE rule IN ('mass_delete', 'mass_update') ORDER BY id;

\echo
\echo '--- 7. Every refusal was recorded, readable after the rollbacks'
SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = 'volume_demo' ORDER BY attempt;
