--
-- schema_parity_weakenings: guarantees that weaken without going away.
--  1. A materialized view emptied by REFRESH ... WITH NO DATA (every SELECT on
--     it fails, pg_dump keeps it unpopulated) changes the export and the
--     fingerprint: attribute `populated`, danger when it turns false.
--  2. A unique index replaced by a non-unique one of the same name, or whose
--     key, predicate or NULLS treatment changed, is danger like a unique index
--     removed; INCLUDE columns and storage parameters are not.
--  3. A PRIMARY KEY / UNIQUE / EXCLUDE / FOREIGN KEY constraint re-added with
--     another guarantee under its name, or a constraint turned into another
--     kind, or no longer validated, is danger; a CHECK whose expression
--     changed stays warn (stricter or looser is not decidable).
--  4. A permissive policy reaching more roles or commands, a restrictive one
--     fewer, a function made LEAKPROOF: danger.
--  5. The weakenings that were danger already stay so (NOT NULL dropped,
--     CHECK and FK removed, RLS off, policy removed).
-- (Regression: 1 was invisible, 2-4 were warn.)
--
CREATE TABLE t(id int, a int, b int, c int);
CREATE UNIQUE INDEX t_a_u ON t(a);
CREATE UNIQUE INDEX t_b_u ON t(b) INCLUDE (c) WITH (fillfactor = 90);
CREATE UNIQUE INDEX t_c_u ON t(c) WHERE c > 0;
CREATE INDEX t_id_i ON t(id);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW mv_empty AS SELECT 1 AS x WITH NO DATA;
SELECT schema_fingerprint AS fp FROM migrate_guard.schema_fingerprint() \gset
SELECT migrate_guard.export_schema() AS ex \gset
-- populated is left out when true (the export of a populated view is unchanged); false is written
SELECT e.key, e.value->'populated' AS populated
  FROM jsonb_each(:'ex'::jsonb->'objects'->'materialized view') e ORDER BY 1;

-- 1. populated
REFRESH MATERIALIZED VIEW mv WITH NO DATA;
SELECT * FROM mv;
SELECT migrate_guard.schema_fingerprint() = :'fp' AS same_fingerprint;
REFRESH MATERIALIZED VIEW mv_empty;
SELECT object_type, object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);
REFRESH MATERIALIZED VIEW mv;
REFRESH MATERIALIZED VIEW mv_empty WITH NO DATA;
SELECT migrate_guard.schema_fingerprint() = :'fp' AS same_fingerprint_again;

-- 2. unique indexes
DROP INDEX t_a_u;
CREATE INDEX t_a_u ON t(a);
DROP INDEX t_b_u;
CREATE UNIQUE INDEX t_b_u ON t(b) INCLUDE (id) WITH (fillfactor = 70);
DROP INDEX t_c_u;
CREATE UNIQUE INDEX t_c_u ON t(c) WHERE c > 10;
DROP INDEX t_id_i;
CREATE INDEX t_id_i ON t(id, a);
SELECT object_type, object_identity, change, attribute, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);
SELECT migrate_guard.export_schema() AS ex \gset
DROP INDEX t_c_u;
CREATE UNIQUE INDEX t_c_u ON t(c, a) WHERE c > 10;
DROP INDEX t_b_u;
CREATE UNIQUE INDEX t_b_u ON t(b) NULLS NOT DISTINCT;
SELECT object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);
-- a unique index that comes to back a constraint keeps its uniqueness
SELECT migrate_guard.export_schema() AS ex \gset
ALTER TABLE t ADD CONSTRAINT t_b_u UNIQUE USING INDEX t_b_u;
SELECT object_type, object_identity, change, attribute, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);

-- 3. constraints re-added under their name
CREATE TABLE p(id int PRIMARY KEY, k int NOT NULL, CONSTRAINT p_k UNIQUE (k));
CREATE TABLE r(id int, pid int, v int,
               CONSTRAINT r_pid_fk FOREIGN KEY (pid) REFERENCES p(id) MATCH FULL,
               CONSTRAINT r_v_check CHECK (v > 0),
               CONSTRAINT r_c2 CHECK (v < 100));
SELECT migrate_guard.export_schema() AS ex \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER TABLE p DROP CONSTRAINT p_k, ADD CONSTRAINT p_k UNIQUE (k, id);
ALTER TABLE r DROP CONSTRAINT r_pid_fk, ADD CONSTRAINT r_pid_fk FOREIGN KEY (pid) REFERENCES p(id);
ALTER TABLE r DROP CONSTRAINT r_v_check, ADD CONSTRAINT r_v_check CHECK (v > 1);
ALTER TABLE r DROP CONSTRAINT r_c2, ADD CONSTRAINT r_c2 UNIQUE (v);
COMMIT;
SELECT object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_type = 'constraint' ORDER BY 1, 3;
SELECT migrate_guard.export_schema() AS ex \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
-- the same guarantee re-added NOT VALID: no longer covers the rows already there
ALTER TABLE r DROP CONSTRAINT r_v_check, ADD CONSTRAINT r_v_check CHECK (v > 1) NOT VALID;
-- DEFERRABLE, storage parameters: the same guarantee
ALTER TABLE p DROP CONSTRAINT p_k, ADD CONSTRAINT p_k UNIQUE (k, id) WITH (fillfactor = 80) DEFERRABLE;
COMMIT;
SELECT object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_type = 'constraint' ORDER BY 1, 3;
SELECT migrate_guard.export_schema() AS ex \gset
ALTER TABLE r VALIDATE CONSTRAINT r_v_check;
SELECT object_identity, change, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_type = 'constraint' ORDER BY 1, 3;

-- 4. policies and LEAKPROOF
CREATE ROLE mg_weak_a;
CREATE ROLE mg_weak_b;
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY perm ON t FOR SELECT TO mg_weak_a USING (a > 0);
CREATE POLICY perm2 ON t FOR ALL TO mg_weak_a, mg_weak_b USING (a > 0);
CREATE POLICY restr ON t AS RESTRICTIVE FOR ALL TO mg_weak_a, mg_weak_b USING (b > 0);
CREATE POLICY restr2 ON t AS RESTRICTIVE FOR SELECT TO mg_weak_a USING (b > 0);
CREATE FUNCTION f(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1';
SELECT migrate_guard.export_schema() AS ex \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;   -- ALTER POLICY ... TO is drop_policy for the guard
ALTER POLICY perm ON t TO mg_weak_a, mg_weak_b;          -- permissive, more roles: danger
ALTER POLICY perm2 ON t TO mg_weak_b;                    -- permissive, fewer roles: warn
ALTER POLICY restr ON t TO mg_weak_a;                    -- restrictive, fewer roles: danger
ALTER POLICY restr2 ON t TO PUBLIC;                      -- restrictive, everyone: warn
COMMIT;
SELECT object_identity, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_type = 'policy' ORDER BY 1, 2;
SELECT migrate_guard.export_schema() AS ex \gset
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP POLICY perm ON t;
CREATE POLICY perm ON t FOR ALL TO mg_weak_a, mg_weak_b USING (a > 0);      -- SELECT -> ALL: danger
DROP POLICY perm2 ON t;
CREATE POLICY perm2 ON t FOR UPDATE TO mg_weak_b USING (a > 0);             -- ALL -> UPDATE: warn
DROP POLICY restr ON t;
CREATE POLICY restr ON t AS RESTRICTIVE FOR DELETE TO mg_weak_a USING (b > 0); -- ALL -> DELETE: danger
DROP POLICY restr2 ON t;
CREATE POLICY restr2 ON t AS RESTRICTIVE FOR ALL USING (b > 0);            -- SELECT -> ALL: warn
COMMIT;
SELECT object_identity, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb) WHERE object_type = 'policy' ORDER BY 1, 2;
SELECT migrate_guard.export_schema() AS ex \gset
ALTER FUNCTION f(int) LEAKPROOF;
SELECT object_identity, attribute, before_value, after_value, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);

-- 5. the other weakenings
SELECT migrate_guard.export_schema() AS ex \gset
ALTER TABLE p ALTER COLUMN k DROP NOT NULL;
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
ALTER TABLE r DROP CONSTRAINT r_v_check, DROP CONSTRAINT r_pid_fk;
DROP POLICY perm2 ON t;
ALTER TABLE t DISABLE ROW LEVEL SECURITY;
COMMIT;
SELECT object_type, object_identity, change, attribute, severity
  FROM migrate_guard.compare_schema(:'ex'::jsonb);
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
DROP POLICY perm ON t;
DROP POLICY restr ON t;
DROP POLICY restr2 ON t;
DROP ROLE mg_weak_a, mg_weak_b;
COMMIT;
