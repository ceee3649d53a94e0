-- migrate_guard demo: run by `make demo` (psql, as superuser postgres)
\set ECHO queries
\set VERBOSITY default
\pset footer off

\echo
\echo '================================================================'
\echo ' migrate_guard demo: a production database with the guard on'
\echo '================================================================'
CREATE DATABASE trackpay;
\c trackpay
CREATE EXTENSION migrate_guard;
-- the team's admin role, one admin (alice) and the application role
CREATE ROLE migrate_guard_admin NOLOGIN;
CREATE ROLE alice LOGIN IN ROLE migrate_guard_admin;
CREATE ROLE app LOGIN;
CREATE TABLE trackpay_users(id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE trackpay_payments(id bigint PRIMARY KEY,
                               user_id bigint NOT NULL REFERENCES trackpay_users ON DELETE RESTRICT,
                               amount numeric(12,2) NOT NULL);
INSERT INTO trackpay_users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 100) g;
INSERT INTO trackpay_payments SELECT g, 1 + g % 100, g * 1.5 FROM generate_series(1, 1000) g;
ALTER TABLE trackpay_users OWNER TO alice;
ALTER TABLE trackpay_payments OWNER TO alice;
GRANT ALL ON trackpay_users, trackpay_payments TO app;

\echo
\echo '--- 1. Somebody runs DROP TABLE on production: refused, with the reason and the way out'
\c - app
DROP TABLE trackpay_payments;
\echo
\echo '--- 2. The other classics are refused too (and the data stays)'
TRUNCATE trackpay_payments;
DELETE FROM trackpay_payments;
UPDATE trackpay_payments SET amount = 0 WHERE 1 = 1;
DO $$ BEGIN EXECUTE 'DROP TABLE trackpay_payments'; END $$;
ALTER TABLE trackpay_payments DROP COLUMN amount;
SELECT count(*) AS payments_still_there FROM trackpay_payments;
\echo
\echo '--- 3. The application role cannot unlock the guard'
SET migrate_guard.allow_destructive = on;

\echo
\echo '--- 4. An admin unlocks it for one transaction (here rolled back: nothing is lost)'
\c - alice
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'DEMO-1: drop the old payments table';
DROP TABLE trackpay_payments;
SELECT to_regclass('trackpay_payments') AS inside_the_transaction;
ROLLBACK;
SELECT to_regclass('trackpay_payments') AS after_rollback;
SHOW migrate_guard.allow_destructive;

\echo
\echo '--- 5. Every refusal is kept, even though its transaction rolled back'
\c - postgres
SELECT blocked_at::time(0) AS at, role_name, rule, object_identity, statement
  FROM migrate_guard.blocked_attempts ORDER BY attempt;

\echo
\echo '--- 6. The guard''s state'
SELECT * FROM migrate_guard.status();
