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
-- the table's owner, an admin, is refused too while the flag is off
\c - alice
ALTER TABLE trackpay_payments DROP COLUMN amount;
\c - app
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
\echo '--- 6. The audit log: every DDL change, in the transaction of the change (the rolled-back DROP left nothing)'
SELECT command_tag, object_identity, session_role, rule, overridden, reason, statement
  FROM migrate_guard.ddl_log ORDER BY id;

\echo
\echo '================================================================'
\echo ' The TrackPay production-migration checklist, as functions'
\echo '================================================================'
CREATE TABLE trackpay_relationships(id bigint PRIMARY KEY,
  provider_id bigint NOT NULL REFERENCES trackpay_users ON DELETE RESTRICT,
  client_id bigint NOT NULL REFERENCES trackpay_users ON DELETE RESTRICT);
CREATE TABLE trackpay_sessions(id bigint PRIMARY KEY,
  provider_id bigint NOT NULL REFERENCES trackpay_users ON DELETE RESTRICT,
  client_id bigint NOT NULL REFERENCES trackpay_users ON DELETE CASCADE,   -- the mistake the checklist hunts
  minutes int NOT NULL);
CREATE TABLE trackpay_requests(id bigint PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES trackpay_users ON DELETE RESTRICT,
  session_id bigint REFERENCES trackpay_sessions ON DELETE SET NULL);
CREATE TABLE trackpay_activities(id bigint PRIMARY KEY,
  session_id bigint REFERENCES trackpay_sessions ON DELETE SET NULL);
CREATE TABLE trackpay_invites(id bigint PRIMARY KEY,
  provider_id bigint NOT NULL REFERENCES trackpay_users ON DELETE CASCADE,
  client_id bigint REFERENCES trackpay_users ON DELETE CASCADE,
  claimed_by bigint REFERENCES trackpay_users ON DELETE SET NULL);
CREATE TABLE trackpay_relationship_audit(id bigint PRIMARY KEY, relationship_id bigint, note text);
INSERT INTO trackpay_relationships SELECT g, 1 + g % 10, 11 + g % 90 FROM generate_series(1, 200) g;
INSERT INTO trackpay_sessions SELECT g, 1 + g % 10, 11 + g % 90, 30 FROM generate_series(1, 500) g;
ALTER TABLE trackpay_payments ADD COLUMN session_id bigint REFERENCES trackpay_sessions ON DELETE RESTRICT;
-- the team's expected delete rules (seed 000), kept in the database
INSERT INTO migrate_guard.fk_expectations("table", columns, "references", on_delete) VALUES
  ('trackpay_sessions', '{client_id}', 'trackpay_users', 'RESTRICT'),
  ('trackpay_sessions', '{provider_id}', 'trackpay_users', 'RESTRICT'),
  ('trackpay_relationships', NULL, 'trackpay_users', 'RESTRICT'),
  ('trackpay_payments', NULL, 'trackpay_users', 'RESTRICT'),
  ('trackpay_payments', NULL, 'trackpay_sessions', 'RESTRICT'),
  ('trackpay_requests', NULL, 'trackpay_users', 'RESTRICT'),
  ('trackpay_requests', NULL, 'trackpay_sessions', 'SET NULL'),
  ('trackpay_activities', NULL, 'trackpay_sessions', 'SET NULL'),
  ('trackpay_invites', '{provider_id}', 'trackpay_users', 'CASCADE'),
  ('trackpay_invites', '{client_id}', 'trackpay_users', 'CASCADE'),
  ('trackpay_invites', '{claimed_by}', 'trackpay_users', 'SET NULL'),
  ('trackpay_relationship_audit', NULL, 'trackpay_relationships', 'RESTRICT');

\echo
\echo '--- 7. Verify the foreign-key delete rules (FAIL: a CASCADE where RESTRICT is expected; MISSING; WARN)'
SELECT table_name, constraint_name, columns, on_delete, expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules();

\echo
\echo '--- 8. Row counts before the migration'
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('before-release-42');

\echo
\echo '--- 9. The migration: fix the rule, backfill, add a table (each change lands in the audit log with its reason)'
BEGIN;
SET LOCAL migrate_guard.reason = 'RELEASE-42';
ALTER TABLE trackpay_sessions DROP CONSTRAINT trackpay_sessions_client_id_fkey;
ALTER TABLE trackpay_sessions ADD FOREIGN KEY (client_id) REFERENCES trackpay_users ON DELETE RESTRICT;
COMMIT;
SELECT command_tag, object_type, object_identity, reason, statement
  FROM migrate_guard.ddl_log WHERE reason = 'RELEASE-42' ORDER BY id;
INSERT INTO trackpay_payments SELECT g, 1 + g % 100, 9.99, 1 + g % 500 FROM generate_series(1001, 1100) g;
CREATE TABLE trackpay_payouts(id bigint PRIMARY KEY, amount numeric);

\echo
\echo '--- 10. Compare with the live counts, and verify again'
SELECT * FROM migrate_guard.compare_row_counts('before-release-42') WHERE status <> 'SAME';
SELECT table_name, constraint_name, status FROM migrate_guard.verify_fk_rules() WHERE status <> 'PASS';

\echo
\echo '--- 11. Row-level security: FAIL where it is off, WARN where no policy exists'
CREATE POLICY users_read ON trackpay_users FOR SELECT USING (true);
ALTER TABLE trackpay_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE trackpay_payments ENABLE ROW LEVEL SECURITY;
SELECT * FROM migrate_guard.verify_rls(ARRAY['public']);

\echo
\echo '--- 12. The guard''s state'
SELECT * FROM migrate_guard.status();
