-- migrate_guard demo, step 40: the command-line client `migrate_guard` (run by
-- `make demo`; psql's \! runs the client installed in the demo's PostgreSQL
-- tree, $MG_PG_BINDIR, against the demo cluster named by PGHOST/PGPORT/PGUSER)
\set ECHO queries
\set VERBOSITY default
\pset footer off

\echo
\echo '================================================================'
\echo ' The command-line client: the same checks as exit codes for CI'
\echo '================================================================'
CREATE DATABASE cli_staging;
CREATE DATABASE cli_production;
\set ECHO none
\c cli_staging
CREATE EXTENSION migrate_guard;
CREATE TABLE customers(id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE invoices(id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
                      amount numeric(12,2) NOT NULL);
CREATE TABLE invoice_import(line text);
INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 2000) g;
INSERT INTO invoices SELECT g, 1 + g % 2000, g FROM generate_series(1, 50000) g;
INSERT INTO invoice_import SELECT 'line ' || g FROM generate_series(1, 10) g;
CREATE POLICY customers_all ON customers USING (true);
CREATE POLICY invoices_all ON invoices USING (true);
CREATE POLICY invoice_import_all ON invoice_import USING (true);
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoice_import ENABLE ROW LEVEL SECURITY;
ANALYZE;
\c cli_production
CREATE EXTENSION migrate_guard;
CREATE TABLE customers(id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE invoices(id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers ON DELETE RESTRICT,
                      amount numeric(12,2) NOT NULL);
CREATE TABLE invoice_import(line text);
CREATE POLICY customers_all ON customers USING (true);
CREATE POLICY invoices_all ON invoices USING (true);
CREATE POLICY invoice_import_all ON invoice_import USING (true);
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoice_import ENABLE ROW LEVEL SECURITY;
\set ECHO queries
\echo
\echo '--- Two databases built by the same script: cli_staging and cli_production.'
\echo '--- Production drifted: somebody turned RLS off on invoices and added an index by hand.'
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER TABLE invoices DISABLE ROW LEVEL SECURITY;
COMMIT;
CREATE INDEX invoices_amount_idx ON invoices (amount);

\echo
\echo '--- 1. The client: migrate_guard --help (first lines)'
\! "$MG_PG_BINDIR"/migrate_guard --help | head -9

\echo
\echo '--- 2. check: the release script is reviewed by the staging database (never executed)'
\! cat -n demo/cli/release_8.sql
\! "$MG_PG_BINDIR"/migrate_guard check --dsn dbname=cli_staging demo/cli/release_8.sql; echo "exit status: $?  (2 = BLOCKED)"

\echo
\echo '--- 3. The same in a GitHub Actions job: annotations on the lines of the pull request'
\! "$MG_PG_BINDIR"/migrate_guard check --format github --dsn dbname=cli_staging demo/cli/release_8.sql; echo "exit status: $?"

\echo
\echo '--- 4. The reviewed script: SAFE TO DEPLOY, exit status 0'
\! cat -n demo/cli/release_8_fixed.sql
\! "$MG_PG_BINDIR"/migrate_guard check --dsn dbname=cli_staging demo/cli/release_8_fixed.sql; echo "exit status: $?  (0 = SAFE TO DEPLOY)"

\echo
\echo '--- 5. diff: is production what staging says it should be? (exit status 1 = differences)'
\! "$MG_PG_BINDIR"/migrate_guard diff dbname=cli_staging dbname=cli_production; echo "exit status: $?"

\echo
\echo '--- 6. Around the deployment on staging: preflight, the migration, postflight'
\! "$MG_PG_BINDIR"/migrate_guard preflight --dsn dbname=cli_staging release-8; echo "exit status: $?  (WARN exits 0; --strict makes it 1)"
\! psql -X -q -d cli_staging -f demo/cli/release_8_fixed.sql
\! "$MG_PG_BINDIR"/migrate_guard postflight --dsn dbname=cli_staging release-8; echo "exit status: $?"

\echo
\echo '--- 7. verify on production (FK rules + RLS): the drift fails it; --format json for scripts'
\! "$MG_PG_BINDIR"/migrate_guard verify --dsn dbname=cli_production; echo "exit status: $?"
\! "$MG_PG_BINDIR"/migrate_guard verify --dsn dbname=cli_production --format json | head -c 300; echo " ..."

\echo
\echo '--- 8. Errors are exit status 3 with one line: a database without the extension'
\! "$MG_PG_BINDIR"/migrate_guard verify --dsn dbname=postgres; echo "exit status: $?"
\c postgres
