--
-- guard_rls: row-level security weakened by routes other than DISABLE ROW
-- LEVEL SECURITY and DROP POLICY: ALTER POLICY replacing a predicate or the
-- roles (drop_policy), a permissive policy that lets every row through, a
-- parent that shows the rows without the table's policies (disable_rls)
--
\set VERBOSITY default
CREATE ROLE rls_reader;
SET ROLE mg_app;
CREATE TABLE t(id int PRIMARY KEY, owner_name text);
INSERT INTO t SELECT g, CASE WHEN g <= 2 THEN 'rls_reader' ELSE 'someone_else' END FROM generate_series(1, 10) g;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON t USING (owner_name = current_user);
CREATE POLICY w ON t FOR INSERT WITH CHECK (owner_name = current_user);
CREATE TABLE forced(id int, owner_name text);
ALTER TABLE forced ENABLE ROW LEVEL SECURITY;
ALTER TABLE forced FORCE ROW LEVEL SECURITY;
CREATE TABLE open_t(id int, owner_name text);                  -- no RLS
CREATE TABLE guarded_parent(id int, owner_name text);
ALTER TABLE guarded_parent ENABLE ROW LEVEL SECURITY;
CREATE TABLE open_root(id int NOT NULL, owner_name text) PARTITION BY RANGE (id);
CREATE TABLE rls_root(id int NOT NULL, owner_name text) PARTITION BY RANGE (id);
ALTER TABLE rls_root ENABLE ROW LEVEL SECURITY;
CREATE TABLE mid PARTITION OF open_root FOR VALUES FROM (0) TO (1000) PARTITION BY RANGE (id);
ALTER TABLE mid ENABLE ROW LEVEL SECURITY;
CREATE TABLE part(id int NOT NULL, owner_name text);
INSERT INTO part VALUES (1, 'someone_else');
ALTER TABLE part ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON t TO rls_reader;

-- ALTER POLICY replacing the predicate, the check or the roles: the old policy is gone
ALTER POLICY p ON t USING (true);
ALTER POLICY p ON t USING (owner_name = current_user OR id > 0);
ALTER POLICY w ON t WITH CHECK (true);
ALTER POLICY p ON t TO PUBLIC;
ALTER POLICY p ON t TO rls_reader USING (owner_name = session_user);
DO $$ BEGIN ALTER POLICY p ON t USING (true); END $$;
CREATE POLICY open ON open_t USING (true);                     -- no RLS on open_t: allowed
ALTER POLICY open ON open_t USING (false);                     -- but, like DROP POLICY, refused
-- a permissive policy whose predicate lets every row through (constant true,
-- or no column of the table: all or nothing), on a table with RLS enabled
-- for the commands that change or delete rows (ALL, UPDATE, DELETE)
CREATE POLICY open ON t USING (true);
CREATE POLICY open ON t AS PERMISSIVE FOR DELETE TO rls_reader USING (1 = 1);
CREATE POLICY open ON t USING (id = id OR true);
CREATE POLICY open ON t FOR UPDATE USING (current_user IS NOT NULL);
CREATE POLICY open ON t USING ((SELECT true));
CREATE POLICY open ON forced FOR ALL USING (true);
-- allowed: a read-only "public read" policy, an INSERT check, a WITH CHECK
-- beside a real USING predicate (no existing row can be changed or deleted
-- beyond what USING allows)
BEGIN;
CREATE POLICY public_read ON t AS PERMISSIVE FOR SELECT TO rls_reader USING (1 = 1);
CREATE POLICY anyone_inserts ON t FOR INSERT WITH CHECK (true);
CREATE POLICY own_rows ON t FOR UPDATE USING (owner_name = current_user) WITH CHECK (now() IS NOT NULL);
ROLLBACK;
-- a parent that shows the table's rows without its policies
BEGIN;
CREATE TABLE new_parent(id int, owner_name text);
ALTER TABLE t INHERIT new_parent;
ROLLBACK;
ALTER TABLE t INHERIT open_t;
ALTER TABLE part INHERIT open_t;
ALTER TABLE open_root ATTACH PARTITION part FOR VALUES FROM (1000) TO (2000);
ALTER TABLE mid ATTACH PARTITION part FOR VALUES FROM (0) TO (1000);
BEGIN;
CREATE TABLE new_root(id int NOT NULL, owner_name text) PARTITION BY RANGE (id);
ALTER TABLE new_root ENABLE ROW LEVEL SECURITY;
CREATE POLICY all_rows ON new_root USING (true);
ALTER TABLE new_root ATTACH PARTITION part FOR VALUES FROM (0) TO (1000);
ROLLBACK;
ALTER TABLE forced INHERIT guarded_parent;

-- allowed: renaming a policy; a policy with a real predicate; a restrictive
-- one; one on a table without RLS or created in this transaction; an RLS
-- parent for an RLS table, any parent for a table without RLS
ALTER POLICY p ON t RENAME TO p_owner;
ALTER POLICY p_owner ON t RENAME TO p;
CREATE POLICY mine ON t FOR SELECT USING (owner_name = current_user AND id > 0);
CREATE POLICY sub ON t USING (EXISTS (SELECT 1 FROM (VALUES (1)) v(x) WHERE v.x = t.id));
CREATE POLICY limits ON t AS RESTRICTIVE USING (true);
CREATE POLICY nothing ON t USING (false);
BEGIN;
CREATE TABLE fresh(id int, owner_name text);
ALTER TABLE fresh ENABLE ROW LEVEL SECURITY;
CREATE POLICY open ON fresh USING (true);
ALTER POLICY open ON fresh USING (id > 0);
ALTER TABLE fresh INHERIT open_t;
COMMIT;
ALTER TABLE part INHERIT guarded_parent;
ALTER TABLE part NO INHERIT guarded_parent;
ALTER TABLE rls_root ATTACH PARTITION part FOR VALUES FROM (0) TO (1000);
ALTER TABLE rls_root DETACH PARTITION part;
ALTER TABLE open_t INHERIT guarded_parent;
CREATE TEMP TABLE tmp(id int);
ALTER TABLE tmp ENABLE ROW LEVEL SECURITY;
CREATE POLICY open ON tmp USING (true);
RESET ROLE;

-- under the flag
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER POLICY p ON t USING (owner_name = session_user);
CREATE POLICY everyone ON t FOR SELECT USING (true);
ROLLBACK;

SELECT rule, object_identity, statement FROM migrate_guard.blocked_attempts
 WHERE database_name = current_database() ORDER BY attempt;
-- nothing changed: the policies, the parents, what rls_reader sees
SELECT polname, polpermissive, polroles::regrole[], pg_get_expr(polqual, polrelid) AS using_expr,
       pg_get_expr(polwithcheck, polrelid) AS check_expr
  FROM pg_policy WHERE polrelid = 't'::regclass ORDER BY polname;
SELECT inhrelid::regclass, inhparent::regclass FROM pg_inherits ORDER BY 1, 2;
SET ROLE rls_reader;
SELECT count(*) AS visible_rows FROM t;
RESET ROLE;
REVOKE SELECT ON t FROM rls_reader;
DROP ROLE rls_reader;
