--
-- snapshot_row_counts / compare_row_counts / verify_rls
--
\pset null '(null)'
CREATE SCHEMA rc;
CREATE SCHEMA rc_other;
CREATE TABLE rc.users(id int PRIMARY KEY);
CREATE TABLE rc.orders(id int PRIMARY KEY, user_id int);
CREATE TABLE rc.measurements(id int, at int) PARTITION BY RANGE (at);
CREATE TABLE rc.measurements_a PARTITION OF rc.measurements FOR VALUES FROM (0) TO (100);
CREATE TABLE rc.measurements_b PARTITION OF rc.measurements FOR VALUES FROM (100) TO (200);
CREATE TABLE rc."Mixed Case"(id int);
CREATE TABLE rc.secret(id int);
CREATE TABLE rc_other.t(id int);
INSERT INTO rc.users SELECT generate_series(1, 50);
INSERT INTO rc.orders SELECT g, g % 50 + 1 FROM generate_series(1, 120) g;
INSERT INTO rc.measurements SELECT g, g FROM generate_series(0, 149) g;
INSERT INTO rc.secret VALUES (1);
CREATE MATERIALIZED VIEW rc.order_totals AS SELECT user_id, count(*) FROM rc.orders GROUP BY 1;
CREATE MATERIALIZED VIEW rc.unpopulated AS SELECT 1 AS one WITH NO DATA;
CREATE TEMP TABLE temp_not_counted(id int);

-- exact counts: ordinary tables, partition leaves (not the parent), materialized views
SELECT snapshot_id IS NOT NULL AS has_id, label, table_name, row_count, exact
  FROM migrate_guard.snapshot_row_counts('before', ARRAY['rc']);
SELECT label, exact, schemas, taken_by FROM migrate_guard.row_count_snapshots WHERE label = 'before';
-- labels are unique
SELECT * FROM migrate_guard.snapshot_row_counts('before', ARRAY['rc']);
-- unknown schema
SELECT * FROM migrate_guard.snapshot_row_counts('bad', ARRAY['rc', 'no_such_schema']);
-- the default scope: every user schema, not migrate_guard, system or temp schemas
SELECT count(*) FILTER (WHERE table_name LIKE 'rc.%') AS rc, count(*) FILTER (WHERE table_name LIKE 'rc_other.%') AS rc_other,
       count(*) FILTER (WHERE table_name LIKE 'migrate_guard.%' OR table_name LIKE 'pg_%' OR table_name LIKE '%temp_not_counted%') AS excluded
  FROM migrate_guard.snapshot_row_counts('everything');

-- the migration
INSERT INTO rc.users SELECT generate_series(51, 60);
DELETE FROM rc.orders WHERE id > 100;
CREATE TABLE rc.invoices(id int);
INSERT INTO rc.invoices VALUES (1), (2);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP TABLE rc."Mixed Case";
COMMIT;

-- compare with live counts, then with a stored snapshot (by label and by id)
SELECT * FROM migrate_guard.compare_row_counts('before');
SELECT snapshot_id AS after_id FROM migrate_guard.snapshot_row_counts('after', ARRAY['rc']) LIMIT 1 \gset
SELECT * FROM migrate_guard.compare_row_counts('before', 'after') WHERE status <> 'SAME';
SELECT count(*) AS same_by_id FROM migrate_guard.compare_row_counts('before', :'after_id') WHERE status = 'SAME';
SELECT * FROM migrate_guard.compare_row_counts('no_such_snapshot');
SELECT * FROM migrate_guard.compare_row_counts('before', '999999');
SELECT * FROM migrate_guard.compare_row_counts(NULL);

-- estimates: from pg_class.reltuples; never analyzed tables have no estimate (NULL)
CREATE TABLE rc.never_analyzed(id int);
ANALYZE rc.users, rc.orders;
SELECT table_name, row_count, exact FROM migrate_guard.snapshot_row_counts('estimated', ARRAY['rc'], false)
 WHERE table_name IN ('rc.users', 'rc.orders', 'rc.never_analyzed');
SELECT table_name, note FROM migrate_guard.row_counts r JOIN migrate_guard.row_count_snapshots s USING (snapshot_id)
 WHERE s.label = 'estimated' AND table_name IN ('rc.users', 'rc.never_analyzed') ORDER BY 1;

-- privileges: only what the caller may SELECT is counted, the rest is said to be skipped
GRANT USAGE ON SCHEMA rc TO mg_app;
GRANT SELECT ON ALL TABLES IN SCHEMA rc TO mg_app;
REVOKE SELECT ON rc.secret FROM mg_app;
SET ROLE mg_app;
SELECT table_name, row_count, exact FROM migrate_guard.snapshot_row_counts('as_app', ARRAY['rc'])
 WHERE table_name IN ('rc.secret', 'rc.users');
SELECT * FROM migrate_guard.compare_row_counts('before') WHERE table_name IN ('rc.secret', 'rc.users');
-- SELECT on a table in a schema the caller may not use is skipped too, not an error
RESET ROLE;
GRANT SELECT ON rc_other.t TO mg_app;
SET ROLE mg_app;
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('as_app_other', ARRAY['rc_other']);
-- a plain role reads the snapshots but cannot forge them
INSERT INTO migrate_guard.row_count_snapshots(label, exact, taken_by) VALUES ('forged', true, 'x');
RESET ROLE;
SELECT table_name, note FROM migrate_guard.row_counts r JOIN migrate_guard.row_count_snapshots s USING (snapshot_id)
 WHERE s.label = 'as_app' AND table_name = 'rc.secret';

-- verify_rls: PASS / FAIL / WARN with policy counts and the forced flag
CREATE POLICY users_self ON rc.users USING (true);
ALTER TABLE rc.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_a ON rc.orders USING (true);
ALTER TABLE rc.orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE rc.orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_b ON rc.orders FOR DELETE USING (false);
ALTER TABLE rc.secret ENABLE ROW LEVEL SECURITY;
SELECT * FROM migrate_guard.verify_rls(ARRAY['rc']);
SELECT count(*) > 0 AS default_scope_has_rc, bool_and(table_name NOT LIKE 'migrate_guard.%') AS no_guard_tables
  FROM migrate_guard.verify_rls();
SELECT * FROM migrate_guard.verify_rls(ARRAY['nope']);
-- a caller subject to row-level security counts only the rows it may see, and is told so
GRANT SELECT ON rc.secret TO mg_app;
SET ROLE mg_app;
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('rls_app', ARRAY['rc']) WHERE table_name = 'rc.secret';
RESET ROLE;
SELECT table_name, row_count, note FROM migrate_guard.row_counts r JOIN migrate_guard.row_count_snapshots s USING (snapshot_id)
 WHERE s.label = 'rls_app' AND table_name = 'rc.secret';
