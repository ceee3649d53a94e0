--
-- verify_exposure: a stored row count is shown only to roles that may SELECT
-- the table (without row-level security restricting them) and to members of
-- the admin role, on every route: the tables, compare_row_counts(), and the
-- output of snapshot_row_counts()
--
\pset null '(null)'
CREATE SCHEMA ex;
CREATE TABLE ex.public_t(id int);
CREATE TABLE ex.secret_t(id int);
CREATE TABLE ex.column_t(id int, v int);
CREATE TABLE ex.rls_t(id int, owner name);
CREATE TABLE ex.dropped_t(id int);
INSERT INTO ex.public_t SELECT generate_series(1, 3);
INSERT INTO ex.secret_t SELECT generate_series(1, 42);
INSERT INTO ex.column_t SELECT g, g FROM generate_series(1, 5) g;
INSERT INTO ex.rls_t SELECT g, CASE WHEN g <= 2 THEN 'mg_app' ELSE 'someone' END FROM generate_series(1, 7) g;
INSERT INTO ex.dropped_t SELECT generate_series(1, 9);
ALTER TABLE ex.rls_t ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON ex.rls_t USING (owner = current_user);
GRANT USAGE ON SCHEMA ex TO mg_app;
GRANT SELECT ON ex.public_t, ex.rls_t, ex.dropped_t TO mg_app;
GRANT SELECT (v) ON ex.column_t TO mg_app;
-- a superuser's snapshot: every exact count is stored
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('ex_before', ARRAY['ex']);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP TABLE ex.dropped_t;
COMMIT;
INSERT INTO ex.secret_t VALUES (43);

-- a plain role: reading the table directly
SET ROLE mg_app;
SELECT table_name, row_count FROM migrate_guard.row_counts r
  JOIN migrate_guard.row_count_snapshots s USING (snapshot_id) WHERE s.label = 'ex_before' ORDER BY 1;
-- through compare_row_counts (with live counts, and with a stored snapshot)
SELECT * FROM migrate_guard.compare_row_counts('ex_before');
RESET ROLE;
SELECT count(*) > 0 AS stored FROM migrate_guard.snapshot_row_counts('ex_after', ARRAY['ex']);
SET ROLE mg_app;
SELECT * FROM migrate_guard.compare_row_counts('ex_before', 'ex_after');
-- its own snapshot counts what it may count, and RLS-restricted tables count its rows only
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('ex_by_app', ARRAY['ex']);
-- a leaky function in WHERE does not see hidden rows either
CREATE FUNCTION pg_temp.leak(text, bigint) RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS $$
BEGIN RAISE NOTICE 'saw % = %', $1, $2; RETURN true; END $$;
SELECT count(*) FROM migrate_guard.row_counts WHERE pg_temp.leak(table_name, row_count)
   AND snapshot_id = (SELECT snapshot_id FROM migrate_guard.row_count_snapshots WHERE label = 'ex_before');
RESET ROLE;

-- members of the admin role see every stored count
SET ROLE mg_admin;
SELECT table_name, row_count FROM migrate_guard.row_counts r
  JOIN migrate_guard.row_count_snapshots s USING (snapshot_id) WHERE s.label = 'ex_before' ORDER BY 1;
SELECT table_name, before_count, status FROM migrate_guard.compare_row_counts('ex_before', 'ex_after');
RESET ROLE;

-- no planner statistics on the stored counts (EXPLAIN estimates would show them)
ANALYZE migrate_guard.row_counts;
SELECT attname FROM pg_stats WHERE schemaname = 'migrate_guard' AND tablename = 'row_counts' ORDER BY 1;

-- visibility follows the relation that was counted, not its name: once a
-- table is moved, renamed or dropped, a table created under its old name does
-- not show the old count to a role that never could SELECT the counted one
CREATE TABLE public.salaries(id int PRIMARY KEY, salary int);
CREATE TABLE public.bonuses(id int);
CREATE TABLE public.perks(id int);
CREATE TABLE public.shared(id int);
REVOKE ALL ON public.salaries, public.bonuses, public.perks FROM PUBLIC;
GRANT SELECT ON public.shared TO mg_app;
INSERT INTO public.salaries SELECT g, 1000 * g FROM generate_series(1, 37) g;
INSERT INTO public.bonuses SELECT generate_series(1, 11);
INSERT INTO public.perks SELECT generate_series(1, 5);
INSERT INTO public.shared SELECT generate_series(1, 4);
SELECT check_name, status FROM migrate_guard.preflight('reuse', ARRAY['public']) WHERE check_name = 'row counts';
CREATE SCHEMA hr;
ALTER TABLE public.salaries SET SCHEMA hr;            -- moved
ALTER TABLE public.bonuses RENAME TO bonuses_2024;    -- renamed
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP TABLE public.perks;                              -- dropped
-- a role that may read stored schema exports but not the tables
GRANT SELECT ON migrate_guard.schema_snapshots TO mg_app;
COMMIT;
ALTER TABLE public.shared RENAME TO shared_renamed;   -- renamed, mg_app may still read it
SET ROLE mg_app;
CREATE TABLE public.salaries(x int);
CREATE TABLE public.bonuses(x int);
CREATE TABLE public.perks(x int);
INSERT INTO public.perks VALUES (1);
-- only the count of the table mg_app may read (under the name it had)
SELECT table_name, row_count FROM migrate_guard.row_counts r
  JOIN migrate_guard.row_count_snapshots s USING (snapshot_id) WHERE s.label = 'reuse' ORDER BY 1;
SELECT * FROM migrate_guard.compare_row_counts('reuse');
RESET ROLE;
SELECT count(*) > 0 AS stored FROM migrate_guard.snapshot_row_counts('reuse_after', ARRAY['public']);
SET ROLE mg_app;
SELECT * FROM migrate_guard.compare_row_counts('reuse', 'reuse_after');
-- postflight reports the counts through compare_row_counts: nothing shown either
SELECT check_name, status, detail FROM migrate_guard.postflight('reuse')
 WHERE check_name LIKE 'row count%' ORDER BY check_name;
RESET ROLE;
-- the admin role sees every stored count; statuses still match tables by name
SET ROLE mg_admin;
SELECT table_name, row_count FROM migrate_guard.row_counts r
  JOIN migrate_guard.row_count_snapshots s USING (snapshot_id) WHERE s.label = 'reuse' ORDER BY 1;
SELECT * FROM migrate_guard.compare_row_counts('reuse', 'reuse_after');
RESET ROLE;
-- a count taken in another database (a restored dump: its OIDs name other
-- tables here) is the admins' only, even where its OID happens to be the OID
-- of a table mg_app may read now (simulated: a restore writes these rows too)
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
REVOKE SELECT ON migrate_guard.schema_snapshots FROM mg_app;
INSERT INTO migrate_guard.row_count_snapshots(snapshot_id, label, taken_by, exact, database_identity)
VALUES (1000, 'restored', 'postgres', true, '1234567890/16384');
INSERT INTO migrate_guard.row_counts(snapshot_id, table_name, row_count, table_oid)
VALUES (1000, 'public.shared', 99, 'public.shared_renamed'::regclass);
COMMIT;
SELECT row_count FROM migrate_guard.row_counts WHERE snapshot_id = 1000;
SET ROLE mg_app;
SELECT row_count FROM migrate_guard.row_counts WHERE snapshot_id = 1000;
SELECT table_name, before_count, status FROM migrate_guard.compare_row_counts('restored')
 WHERE table_name LIKE 'public.shared%';
RESET ROLE;
