-- migrate_guard demo: what the audit log keeps out, and what it never misses
-- (run by `make demo` after 10_guard_audit_verify.sql, in its database trackpay)
\set ECHO queries
\set VERBOSITY default
\pset footer off
\c trackpay

\echo
\echo '================================================================'
\echo ' The audit log: complete, and without secrets'
\echo '================================================================'
\echo '--- 1. A password set through a function: redacted, and the DO block that led to it hidden'
CREATE ROLE billing LOGIN;
CREATE FUNCTION set_password(r text, pw text) RETURNS void LANGUAGE plpgsql
  AS $$ BEGIN EXECUTE format('ALTER ROLE %I PASSWORD %L', r, pw); END $$;
DO $$ BEGIN PERFORM set_password('billing', 'correct horse battery staple'); END $$;
SELECT statement, top_statement FROM migrate_guard.ddl_log WHERE command_tag = 'ALTER ROLE' ORDER BY id DESC LIMIT 1;

\echo
\echo '--- 2. A reason set by a plain role is not recorded: only statements run under the flag carry one'
GRANT CREATE ON SCHEMA public TO app;
\c - app
SET migrate_guard.reason = 'approved by the CTO';
CREATE TABLE app_notes(id int);
\c - postgres
SELECT command_tag, object_identity, "current_role", reason FROM migrate_guard.ddl_log ORDER BY id DESC LIMIT 1;

\echo
\echo '--- 3. A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an invalid index: it has its row'
CREATE UNIQUE INDEX CONCURRENTLY payments_user_unique ON trackpay_payments(user_id);
SELECT command_tag, object_identity, detail FROM migrate_guard.ddl_log ORDER BY id DESC LIMIT 1;
SET migrate_guard.allow_destructive = on;
DROP INDEX payments_user_unique;
RESET migrate_guard.allow_destructive;

\echo
\echo '--- 4. One role flooding the refusal ring does not push the others'' refusals out'
\c - alice
TRUNCATE trackpay_users;
\c - app
DO $$ BEGIN FOR i IN 1..3000 LOOP
  BEGIN EXECUTE format('TRUNCATE trackpay_payments /* %s */', i); EXCEPTION WHEN SQLSTATE 'MG001' THEN NULL; END;
END LOOP; END $$;
\c - postgres
SELECT role_name, count(*) AS entries, sum(repeat_count) AS refusals
  FROM migrate_guard.blocked_attempts GROUP BY 1 ORDER BY 1;

\echo
\echo '--- 5. Stored row counts are shown only to roles that may read the table (without row-level security)'
CREATE TABLE trackpay_settings(k text PRIMARY KEY, v text);
INSERT INTO trackpay_settings VALUES ('currency', 'EUR'), ('vat', '20'), ('region', 'eu');
CREATE TABLE trackpay_salaries(employee text, amount numeric);
INSERT INTO trackpay_salaries VALUES ('alice', 1), ('bob', 2);
GRANT SELECT ON trackpay_settings TO app;
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('visibility');
\c - app
-- trackpay_salaries: no SELECT; trackpay_users/payments: row-level security applies to app
SELECT table_name, row_count FROM migrate_guard.row_counts r
  JOIN migrate_guard.row_count_snapshots s USING (snapshot_id) WHERE s.label = 'visibility';
\c - postgres
