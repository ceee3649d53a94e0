--
-- schema_parity: export_schema() / compare_schema() — every covered attribute,
-- changed alone (in a transaction that is rolled back), is reported with the
-- right object_type, change, attribute and severity; nothing else is.
--
SET client_min_messages = warning;
SET migrate_guard.allow_destructive = on;
CREATE ROLE sp_owner; CREATE ROLE sp_app; CREATE ROLE sp_ro;
CREATE SCHEMA s AUTHORIZATION sp_owner;
GRANT USAGE ON SCHEMA s TO sp_app;
CREATE TYPE s.mood AS ENUM ('sad', 'happy');
CREATE TYPE s.pair AS (a int, b text);
CREATE DOMAIN s.pos AS int CHECK (VALUE > 0);
CREATE SEQUENCE s.seq;
CREATE TABLE s.loose(id int);
CREATE TABLE s.base_t(a int);
CREATE TABLE s.kid() INHERITS (s.base_t);
CREATE TABLE s.ev(id int, at date) PARTITION BY RANGE (at);
CREATE TABLE s.ev_2024 PARTITION OF s.ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE s.parent(id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', note text, extra int, m s.mood);
CREATE TABLE s.child(id int PRIMARY KEY, parent_id int REFERENCES s.parent ON DELETE RESTRICT, v s.pos,
                     CONSTRAINT v_small CHECK (v < 100));
CREATE INDEX child_parent_idx ON s.child(parent_id);
CREATE UNIQUE INDEX parent_name_idx ON s.parent(name);
ALTER TABLE s.child ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.child FORCE ROW LEVEL SECURITY;
CREATE POLICY child_read ON s.child FOR SELECT TO sp_app USING (v > 0);
CREATE POLICY child_guard ON s.child AS RESTRICTIVE FOR INSERT TO sp_app WITH CHECK (v < 50);
GRANT SELECT, INSERT ON s.child TO sp_app;
GRANT SELECT (note) ON s.parent TO sp_ro;
CREATE FUNCTION s.f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE FUNCTION s.g() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS 'SELECT 1';
CREATE FUNCTION s.trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE PROCEDURE s.p() LANGUAGE sql AS 'SELECT 1';
CREATE TRIGGER child_trg BEFORE INSERT ON s.child FOR EACH ROW EXECUTE FUNCTION s.trg();
CREATE RULE parent_rule AS ON DELETE TO s.parent DO ALSO NOTHING;
CREATE VIEW s.v WITH (security_invoker = true, security_barrier = true) AS SELECT id, name FROM s.parent;
CREATE VIEW s.vc AS SELECT id, parent_id FROM s.child WHERE id > 0 WITH LOCAL CHECK OPTION;
GRANT SELECT ON s.v TO sp_app;
CREATE MATERIALIZED VIEW s.mv AS SELECT count(*) AS n FROM s.parent;
SET client_min_messages = error;
CREATE PUBLICATION sp_pub FOR TABLE s.parent;
SET client_min_messages = warning;
COMMENT ON TABLE s.parent IS 'parents';
CREATE EVENT TRIGGER sp_evt ON ddl_command_end EXECUTE FUNCTION migrate_guard._on_ddl_command_end();
RESET client_min_messages;

-- the baseline, and the comparison of the live schema with it
CREATE TEMP TABLE base AS SELECT migrate_guard.export_schema(ARRAY['s']) AS e;
CREATE FUNCTION pg_temp.diff() RETURNS TABLE(object_type text, object_identity text, change text, attribute text,
                                              before_value text, after_value text, severity text)
LANGUAGE sql AS $$ SELECT * FROM migrate_guard.compare_schema((SELECT e FROM pg_temp.base)) $$;

-- nothing changed: no row; the export is stable and deterministic
SELECT count(*) AS differences FROM pg_temp.diff();
SELECT (SELECT e FROM pg_temp.base) = migrate_guard.export_schema(ARRAY['s']) AS same_export,
       migrate_guard.schema_fingerprint(ARRAY['s']) = migrate_guard.schema_fingerprint(ARRAY['s']) AS same_fingerprint,
       length(migrate_guard.schema_fingerprint()) AS fingerprint_length;
-- envelope: format, version, scope; objects grouped by type; names, never OIDs
SELECT e->>'format' AS format, e->'format_version' AS version, e->'scope' AS scope,
       (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(e->'objects') k) AS types
  FROM pg_temp.base;
SELECT jsonb_pretty(e->'objects'->'table'->'s.child') AS child_table,
       jsonb_pretty(e->'objects'->'column'->'s.parent.name') AS name_column FROM pg_temp.base;
SELECT e::text ~ '\m(1[0-9]{4,})\M' AS mentions_an_oid FROM pg_temp.base;
-- the migrate_guard schema is never part of it
SELECT count(*) AS migrate_guard_objects
  FROM pg_temp.base, jsonb_each(e->'objects') t, jsonb_object_keys(t.value) k WHERE k LIKE 'migrate_guard.%';

-- ---------------------------------------------------------------------------
-- schemas
BEGIN; ALTER SCHEMA s OWNER TO sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; GRANT CREATE ON SCHEMA s TO sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE USAGE ON SCHEMA s FROM sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; COMMENT ON SCHEMA s IS 'app'; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- tables
BEGIN; CREATE TABLE s.added(id int); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP MATERIALIZED VIEW s.mv; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child DISABLE ROW LEVEL SECURITY; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child NO FORCE ROW LEVEL SECURITY; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ENABLE ROW LEVEL SECURITY; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.loose SET UNLOGGED; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent OWNER TO sp_owner; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE INSERT ON s.child FROM sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; GRANT DELETE ON s.child TO sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; GRANT SELECT ON s.child TO PUBLIC; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- the owner's default rights are left out of the export; revoked, they show
BEGIN; REVOKE ALL ON s.loose FROM CURRENT_USER; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE ALL ON s.loose FROM CURRENT_USER; GRANT ALL ON s.loose TO CURRENT_USER; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent SET (fillfactor = 70); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent REPLICA IDENTITY FULL; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; COMMENT ON TABLE s.parent IS 'the parents'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.kid NO INHERIT s.base_t; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.ev DETACH PARTITION s.ev_2024; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.ev DETACH PARTITION s.ev_2024;
       ALTER TABLE s.ev ATTACH PARTITION s.ev_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
       SELECT * FROM pg_temp.diff(); ROLLBACK;
-- columns
BEGIN; ALTER TABLE s.parent ADD COLUMN added int; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent DROP COLUMN note; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN extra TYPE bigint; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN name DROP NOT NULL; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN note SET NOT NULL; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN name SET DEFAULT 'y'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
       SELECT * FROM pg_temp.diff() WHERE object_type = 'column'; ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN note TYPE text COLLATE "C"; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN note SET STORAGE EXTERNAL; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN note SET COMPRESSION pglz; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ALTER COLUMN note SET STATISTICS 500; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; GRANT UPDATE (note) ON s.parent TO sp_ro; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE SELECT (note) ON s.parent FROM sp_ro; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; COMMENT ON COLUMN s.parent.note IS 'free text'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ADD COLUMN g int GENERATED ALWAYS AS (id * 2) STORED; ALTER TABLE s.parent ALTER COLUMN g DROP EXPRESSION;
       SELECT object_type, object_identity, change FROM pg_temp.diff(); ROLLBACK;
-- constraints
BEGIN; ALTER TABLE s.child DROP CONSTRAINT child_parent_id_fkey;
       ALTER TABLE s.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES s.parent ON DELETE CASCADE;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child DROP CONSTRAINT child_parent_id_fkey;
       ALTER TABLE s.child ADD CONSTRAINT child_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES s.parent
         ON DELETE RESTRICT ON UPDATE CASCADE;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child DROP CONSTRAINT v_small; ALTER TABLE s.child ADD CONSTRAINT v_small CHECK (v < 100) NOT VALID;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child DROP CONSTRAINT v_small; ALTER TABLE s.child ADD CONSTRAINT v_small CHECK (v < 10);
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child DROP CONSTRAINT v_small; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent ADD CONSTRAINT name_len CHECK (length(name) < 10); SELECT * FROM pg_temp.diff(); ROLLBACK;
-- indexes
BEGIN; DROP INDEX s.child_parent_idx; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP INDEX s.parent_name_idx; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP INDEX s.child_parent_idx; CREATE INDEX child_parent_idx ON s.child USING hash (parent_id);
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent CLUSTER ON parent_name_idx; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- (an index left invalid by a failed CREATE INDEX CONCURRENTLY, simulated)
BEGIN; UPDATE pg_index SET indisvalid = false WHERE indexrelid = 's.child_parent_idx'::regclass;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
-- triggers and rules
BEGIN; ALTER TABLE s.child DISABLE TRIGGER child_trg; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.child ENABLE REPLICA TRIGGER child_trg; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP TRIGGER child_trg ON s.child; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP TRIGGER child_trg ON s.child; CREATE TRIGGER child_trg AFTER INSERT ON s.child FOR EACH ROW EXECUTE FUNCTION s.trg();
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TABLE s.parent DISABLE RULE parent_rule; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP RULE parent_rule ON s.parent; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- policies
BEGIN; DROP POLICY child_read ON s.child; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER POLICY child_read ON s.child TO PUBLIC; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER POLICY child_read ON s.child USING (true); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER POLICY child_guard ON s.child WITH CHECK (v < 60); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP POLICY child_guard ON s.child; CREATE POLICY child_guard ON s.child AS PERMISSIVE FOR INSERT TO sp_app WITH CHECK (v < 50);
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP POLICY child_read ON s.child; CREATE POLICY child_read ON s.child FOR ALL TO sp_app USING (v > 0);
       SELECT * FROM pg_temp.diff(); ROLLBACK;
-- views and materialized views
BEGIN; ALTER VIEW s.v SET (security_invoker = false); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER VIEW s.v RESET (security_barrier); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER VIEW s.vc RESET (check_option); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER VIEW s.v OWNER TO sp_owner; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE SELECT ON s.v FROM sp_app; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE OR REPLACE VIEW s.v WITH (security_invoker = true, security_barrier = true) AS SELECT id, name FROM s.parent WHERE id > 0;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP MATERIALIZED VIEW s.mv; CREATE MATERIALIZED VIEW s.mv AS SELECT count(*) + 1 AS n FROM s.parent;
       SELECT * FROM pg_temp.diff(); ROLLBACK;
-- sequences
BEGIN; ALTER SEQUENCE s.seq INCREMENT 10; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER SEQUENCE s.seq OWNED BY s.parent.extra; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; SELECT nextval('s.seq'); SELECT * FROM pg_temp.diff(); ROLLBACK;
-- functions and procedures
BEGIN; CREATE OR REPLACE FUNCTION s.f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 2'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.f(int) STABLE; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE OR REPLACE FUNCTION s.f(x int DEFAULT 0) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE OR REPLACE FUNCTION s.f(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN x + 1; END';
       SELECT object_type, object_identity, change, attribute, severity FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.f(int) SECURITY DEFINER; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.f(int) STRICT LEAKPROOF PARALLEL SAFE COST 5; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.f(int) SET work_mem = '8MB'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.g() RESET search_path; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER FUNCTION s.g() OWNER TO sp_owner; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; REVOKE EXECUTE ON FUNCTION s.f(int) FROM PUBLIC; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; DROP FUNCTION s.f(int); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE FUNCTION s.h() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE OR REPLACE PROCEDURE s.p() LANGUAGE sql AS 'SELECT 2'; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- types and domains
BEGIN; ALTER TYPE s.mood ADD VALUE 'calm'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TYPE s.mood RENAME VALUE 'sad' TO 'blue'; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER TYPE s.pair ADD ATTRIBUTE c date; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER DOMAIN s.pos SET NOT NULL; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER DOMAIN s.pos SET DEFAULT 1; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER DOMAIN s.pos DROP CONSTRAINT pos_check; SELECT * FROM pg_temp.diff(); ROLLBACK;
-- database-wide: extensions, publications, default privileges, event triggers
BEGIN; CREATE EXTENSION pg_trgm; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER PUBLICATION sp_pub SET (publish = 'insert'); SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER PUBLICATION sp_pub ADD TABLE s.child; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER PUBLICATION sp_pub DROP TABLE s.parent; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER DEFAULT PRIVILEGES FOR ROLE sp_owner IN SCHEMA s GRANT SELECT ON TABLES TO sp_ro; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; ALTER EVENT TRIGGER sp_evt DISABLE; SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE STATISTICS s.st ON id, parent_id FROM s.child; SELECT * FROM pg_temp.diff(); ROLLBACK;

-- a removed table is one row (its columns, constraints, indexes, policies... go with it)
BEGIN; DROP TABLE s.child CASCADE; SELECT * FROM pg_temp.diff(); ROLLBACK;

-- names that need quoting (dots, spaces, " on ", quotes) still say which object is whose
BEGIN; CREATE TABLE s."Odd.Name on x"("col.1" int CONSTRAINT "c on d" CHECK ("col.1" > 0), "say ""hi""" text);
       CREATE POLICY "p on q" ON s."Odd.Name on x" USING (true);
       SELECT * FROM pg_temp.diff(); ROLLBACK;
BEGIN; CREATE TABLE s."Odd.Name on x"("col.1" int CONSTRAINT "c on d" CHECK ("col.1" > 0), "say ""hi""" text);
       CREATE POLICY "p on q" ON s."Odd.Name on x" USING (true);
       CREATE TEMP TABLE odd AS SELECT migrate_guard.export_schema(ARRAY['s']) AS e;
       SELECT k FROM pg_temp.odd, jsonb_each(e->'objects') t, jsonb_object_keys(t.value) k WHERE k LIKE '%Odd%' ORDER BY 1;
       DROP TABLE s."Odd.Name on x";
       SELECT * FROM migrate_guard.compare_schema((SELECT e FROM pg_temp.odd)); ROLLBACK;

-- two snapshots by label and by id
SELECT snapshot_id, label, objects > 30 AS has_objects, length(fingerprint) FROM migrate_guard.schema_snapshot('before', ARRAY['s']);
ALTER TABLE s.parent ALTER COLUMN name DROP NOT NULL;
SELECT snapshot_id, label FROM migrate_guard.schema_snapshot('after', ARRAY['s']);
SELECT * FROM migrate_guard.compare_schema('before', 'after');
SELECT * FROM migrate_guard.compare_schema('1', '2');
SELECT * FROM migrate_guard.compare_schema('before');
SELECT fingerprint = migrate_guard.schema_fingerprint(ARRAY['s']) AS live_matches_after
  FROM migrate_guard.schema_snapshots WHERE label = 'after';

-- cleanup
SET client_min_messages = warning;
DROP EVENT TRIGGER sp_evt;
DROP PUBLICATION sp_pub;
DROP SCHEMA s CASCADE;
DROP OWNED BY sp_owner, sp_app, sp_ro;
DROP ROLE sp_owner; DROP ROLE sp_app; DROP ROLE sp_ro;
