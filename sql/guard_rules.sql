--
-- guard_rules: every rule that is blocked by default refuses, with SQLSTATE
-- MG001, and the object is intact afterwards
--
CREATE TABLE accounts(id int PRIMARY KEY, owner text, balance numeric);
INSERT INTO accounts SELECT g, 'owner' || g, g * 10 FROM generate_series(1, 5) g;
CREATE TABLE ledger(id int PRIMARY KEY, account_id int REFERENCES accounts(id));
INSERT INTO ledger VALUES (1, 1), (2, 2);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices(id int);
CREATE SEQUENCE order_seq;
CREATE MATERIALIZED VIEW account_totals AS SELECT count(*) AS n FROM accounts;
CREATE TABLE events(id int, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE FOREIGN DATA WRAPPER mg_dummy_fdw;
CREATE SERVER mg_dummy_server FOREIGN DATA WRAPPER mg_dummy_fdw;
CREATE FOREIGN TABLE remote_accounts(id int) SERVER mg_dummy_server;
CREATE VIEW rich AS SELECT * FROM accounts WHERE balance > 20;
CREATE FUNCTION balance_of(int) RETURNS numeric LANGUAGE sql AS 'SELECT balance FROM accounts WHERE id = $1';
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON accounts USING (owner = current_user);
CREATE DATABASE mg_scratch;

\set VERBOSITY default
-- drop_table: tables, partitions, partitioned tables, materialized and foreign tables
DROP TABLE ledger;
DROP TABLE IF EXISTS no_such_table, ledger;
DROP TABLE events_2025;
DROP TABLE events;
DROP MATERIALIZED VIEW account_totals;
DROP FOREIGN TABLE remote_accounts;
-- a missing table is PostgreSQL's error, not a refusal
DROP TABLE no_such_table;
DROP TABLE IF EXISTS no_such_table;
-- drop_schema
DROP SCHEMA billing;
DROP SCHEMA billing CASCADE;
-- drop_database (cluster-level, issued from a database that has the extension)
DROP DATABASE mg_scratch;
-- drop_owned
DROP OWNED BY mg_app;
-- drop_sequence
DROP SEQUENCE order_seq;
-- drop_extension
DROP EXTENSION plpgsql;
-- drop_cascade, whatever the object type
DROP TYPE mood CASCADE;
DROP DOMAIN positive CASCADE;
DROP VIEW rich CASCADE;
DROP FUNCTION balance_of(int) CASCADE;
ALTER TABLE ledger DROP CONSTRAINT ledger_account_id_fkey CASCADE;
-- drop_column
ALTER TABLE accounts DROP COLUMN owner;
ALTER TABLE accounts ADD COLUMN note text, DROP COLUMN balance;
-- dropping a column that does not exist drops nothing
ALTER TABLE accounts DROP COLUMN IF EXISTS no_such_column;
-- alter_column_type
ALTER TABLE accounts ALTER COLUMN balance TYPE int;
-- truncate, also of several tables and with CASCADE
TRUNCATE accounts;
TRUNCATE TABLE ledger, accounts;
TRUNCATE accounts CASCADE;
-- delete_without_where / update_without_where, also with a WHERE that is always true
DELETE FROM ledger;
DELETE FROM ledger WHERE true;
DELETE FROM ledger WHERE 1 = 1 AND 'a' = 'a';
DELETE FROM ledger WHERE id = id OR true;
DELETE FROM ledger WHERE CASE WHEN true THEN true ELSE id > 0 END;
DELETE FROM ledger WHERE NOT false AND (id > 0 OR 2 > 1);
UPDATE accounts SET balance = 0;
UPDATE accounts SET balance = 0 WHERE 2 > 1;
-- MERGE whose ON condition is always true
MERGE INTO ledger l USING accounts a ON true WHEN MATCHED THEN DELETE;
MERGE INTO ledger l USING accounts a ON 1 = 1 WHEN MATCHED THEN UPDATE SET account_id = a.id;
-- disable_rls
ALTER TABLE accounts DISABLE ROW LEVEL SECURITY;
ALTER TABLE accounts NO FORCE ROW LEVEL SECURITY;
-- drop_policy
DROP POLICY owner_only ON accounts;
-- guard_tamper
DROP EXTENSION migrate_guard;
DROP SCHEMA migrate_guard CASCADE;
ALTER EXTENSION migrate_guard DROP VIEW migrate_guard.blocked_attempts;
DELETE FROM migrate_guard.ddl_log WHERE id = 0;
UPDATE migrate_guard.ddl_log SET reason = 'x' WHERE false;
TRUNCATE migrate_guard.ddl_log;
ALTER TABLE migrate_guard.ddl_log DISABLE TRIGGER ALL;
ALTER TABLE migrate_guard.ddl_log RENAME TO old_log;
ALTER TABLE migrate_guard.ddl_log SET SCHEMA public;
ALTER SCHEMA migrate_guard RENAME TO guard_gone;
-- ALTER EXTENSION migrate_guard UPDATE stays allowed
ALTER EXTENSION migrate_guard UPDATE;

-- the SQLSTATE of a refusal
\set VERBOSITY sqlstate
TRUNCATE accounts;
\set VERBOSITY default

-- everything is intact
SELECT count(*) AS accounts FROM accounts;
SELECT count(*) AS ledger FROM ledger;
SELECT to_regclass('events_2025') IS NOT NULL AS partition, to_regclass('account_totals') IS NOT NULL AS matview,
       to_regclass('remote_accounts') IS NOT NULL AS foreign_table, to_regclass('billing.invoices') IS NOT NULL AS schema_table,
       to_regclass('order_seq') IS NOT NULL AS sequence, to_regclass('rich') IS NOT NULL AS view,
       to_regtype('mood') IS NOT NULL AS type, to_regtype('positive') IS NOT NULL AS domain;
SELECT EXISTS (SELECT FROM pg_database WHERE datname = 'mg_scratch') AS database,
       EXISTS (SELECT FROM pg_extension WHERE extname = 'plpgsql') AS plpgsql,
       EXISTS (SELECT FROM pg_extension WHERE extname = 'migrate_guard') AS migrate_guard;
SELECT attname FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0 ORDER BY attnum;
SELECT atttypid::regtype AS balance_type FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'balance';
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'accounts'::regclass;
SELECT policyname FROM pg_policies WHERE tablename = 'accounts';
SELECT conname FROM pg_constraint WHERE conrelid = 'ledger'::regclass ORDER BY conname;

-- rules that are classified but not blocked by default
CREATE INDEX accounts_owner ON accounts(owner);
CREATE FUNCTION noop_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER accounts_trg BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION noop_trg();
CREATE VIEW poor AS SELECT * FROM accounts WHERE balance < 20;
CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42';
BEGIN;
DROP VIEW poor;
DROP INDEX accounts_owner;
DROP TRIGGER accounts_trg ON accounts;
DROP FUNCTION answer();
ALTER TABLE ledger RENAME TO ledger_renamed;
ALTER TABLE accounts RENAME COLUMN balance TO amount;
ROLLBACK;

-- clean up the scratch database the way an admin would: under the flag
SET migrate_guard.allow_destructive = on;
DROP DATABASE mg_scratch;
RESET migrate_guard.allow_destructive;
SHOW migrate_guard.allow_destructive;
