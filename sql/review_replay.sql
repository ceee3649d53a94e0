--
-- review_replay: the script's own effects are replayed in order, without
-- running anything: relations it creates are new (trivial to lock or
-- rewrite), drops and renames change what later names resolve to, CREATE
-- SCHEMA and SET search_path change where unqualified names go.
--
SET lock_timeout = '2s';
CREATE TABLE accounts(id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 4000) g;
CREATE SCHEMA app;
CREATE TABLE app.settings(id int, v text);
INSERT INTO app.settings SELECT g, 'v' FROM generate_series(1, 500) g;
VACUUM ANALYZE accounts, app.settings;

CREATE FUNCTION review(script text) RETURNS TABLE(n int, relations text[], rule text, severity text, message text)
LANGUAGE sql AS $$
  SELECT statement_no, relations, rule, severity, message FROM migrate_guard.check_migration(script)
   WHERE rule IS NOT NULL
$$;

-- created earlier in the script: new, whatever it is named; IF NOT EXISTS of an existing table creates nothing
SELECT * FROM review($mig$
CREATE TABLE ledger(id bigint, account_id bigint);
CREATE INDEX ON ledger (account_id);
ALTER TABLE ledger ADD COLUMN token uuid DEFAULT gen_random_uuid();
CREATE TABLE IF NOT EXISTS accounts(id bigint);
CREATE INDEX ON accounts (email);
CREATE TEMP TABLE scratch(id int);
CREATE INDEX ON scratch (id);
CREATE TABLE snapshot AS SELECT * FROM accounts;
CREATE INDEX ON snapshot (email);
SELECT * INTO copied FROM accounts;
CREATE INDEX ON copied (email);
CREATE MATERIALIZED VIEW account_emails AS SELECT email FROM accounts;
CREATE UNIQUE INDEX ON account_emails (email);
$mig$);

-- dropped: later references fail; created again: new
SELECT * FROM review($mig$
ALTER TABLE accounts RENAME TO accounts_old;
CREATE INDEX ON accounts (email);
CREATE TABLE accounts(id bigint PRIMARY KEY, email text);
CREATE INDEX ON accounts (email);
CREATE INDEX ON accounts_old (email);
$mig$);

-- schemas and search_path
SELECT * FROM review($mig$
CREATE INDEX ON settings (v);
SET search_path = app, public;
CREATE INDEX ON settings (v);
CREATE INDEX ON accounts (email);
CREATE SCHEMA billing CREATE TABLE invoices(id int);
CREATE INDEX ON billing.invoices (id);
SET search_path = billing, public;
CREATE TABLE payments(id int);
CREATE INDEX ON billing.payments (id);
RESET search_path;
ALTER TABLE app.settings SET SCHEMA public;
CREATE INDEX ON public.settings (v);
CREATE INDEX ON app.settings (v);
$mig$);

-- a relation created by the script, dropped in a later transaction: it is not new any more, the guard
-- refuses it (inside one BEGIN ... COMMIT it is new, and exempt)
SELECT n, rule, severity FROM migrate_guard.check_migration($mig$
CREATE TABLE tmp_import(id int);
DROP TABLE tmp_import;
$mig$) AS c(n, l, s, t, lm, r, rw, rule, severity, m, h);
SELECT n, rule, severity FROM migrate_guard.check_migration($mig$
BEGIN;
CREATE TABLE tmp_import(id int);
DROP TABLE tmp_import;
COMMIT;
$mig$) AS c(n, l, s, t, lm, r, rw, rule, severity, m, h);
