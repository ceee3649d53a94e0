-- migrate_guard demo, step 30: schema parity between environments, and a
-- pre-flight / post-flight around a migration (run by `make demo`)
\set ECHO queries
\set VERBOSITY default
\pset footer off

\echo
\echo '================================================================'
\echo ' Schema parity: is production what staging says it should be?'
\echo '================================================================'
SET client_min_messages = warning;
DO $$BEGIN CREATE ROLE shop_app; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
DO $$BEGIN CREATE ROLE shop_analyst; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
RESET client_min_messages;
CREATE DATABASE shop_staging;
CREATE DATABASE shop_production;

-- the same migration script (demo/shop_schema.inc.sql) builds both environments
\c shop_staging
\ir shop_schema.inc.sql
\c shop_production
\ir shop_schema.inc.sql

\echo
\echo '--- 1. Production drifted by hand over time: a trigger disabled for a bulk load,'
\echo '---    a policy dropped while debugging, a column granted to the analysts'
SET migrate_guard.allow_destructive = on;
ALTER TABLE orders DISABLE TRIGGER orders_touch;
DROP POLICY orders_analyst ON orders;
GRANT SELECT (email) ON customers TO shop_analyst;
RESET migrate_guard.allow_destructive;

\echo
\echo '--- 2. The fingerprints differ (one hash of the whole canonical schema)'
\c shop_staging
SELECT migrate_guard.schema_fingerprint() AS staging_fingerprint,
       migrate_guard.export_schema() AS staging_export \gset
\c shop_production
\set ECHO none
CREATE TEMP TABLE staging AS SELECT :'staging_export'::jsonb AS export;
\set ECHO queries
SELECT :'staging_fingerprint' AS staging, migrate_guard.schema_fingerprint() AS production;

\echo
\echo '--- 3. What differs, and how much it matters (staging export vs live production;'
\echo '---    the command-line client does the same between two connections)'
SELECT object_type, object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema((SELECT export FROM staging));

\echo
\echo '--- 4. The export itself: names, never OIDs; attributes at their default left out'
SELECT jsonb_pretty(migrate_guard.export_schema(ARRAY['public'])->'objects'->'table'->'public.orders') AS orders;

\echo
\echo '================================================================'
\echo ' Pre-flight / post-flight around a release on production'
\echo '================================================================'
\echo '--- 5. Before: exact row counts and the schema stored under the label, FK rules, RLS'
SELECT * FROM migrate_guard.preflight('release-7', ARRAY['public']);

\echo
\echo '--- 6. The release: a column, a backfill that archives old orders, the import table dropped'
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SET LOCAL migrate_guard.reason = 'RELEASE-7';
ALTER TABLE customers ADD COLUMN phone text;
DELETE FROM orders WHERE id > 390;
DROP TABLE tmp_import;
COMMIT;

\echo
\echo '--- 7. After, without saying what was expected: lost rows and a dropped table FAIL'
SELECT * FROM migrate_guard.postflight('release-7');

\echo
\echo '--- 8. After, with the expected changes: only what nobody planned remains'
SELECT * FROM migrate_guard.postflight('release-7', '{"public.orders": "-10..0", "public.tmp_import": "removed"}');

\echo
\echo '--- 9. Snapshots stay (pg_dump includes them): compare any two, or one with the live schema'
SELECT snapshot_id, label, taken_by, objects, left(fingerprint, 16) AS fingerprint FROM migrate_guard.schema_snapshots;
SELECT * FROM migrate_guard.compare_schema('release-7');

\c postgres
