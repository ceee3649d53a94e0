--
-- schema_fk_not_enforced: a constraint whose enforcement triggers are
-- disabled (ALTER TABLE ... DISABLE TRIGGER ALL, or DISABLE TRIGGER on the
-- internal RI triggers) is no longer enforced: the export records
-- `enforced` false, compare_schema rates it danger, postflight FAILs, and
-- verify_fk_rules flags the key (from attack3_parity_fk_disabled).
--
CREATE TABLE parent(id int PRIMARY KEY);
CREATE TABLE child(id int PRIMARY KEY, pid int NOT NULL REFERENCES parent ON DELETE CASCADE);
CREATE INDEX ON child(pid);
INSERT INTO parent VALUES (1);
INSERT INTO child VALUES (1, 1);
SELECT objects > 0 AS stored FROM migrate_guard.schema_snapshot('before', ARRAY['public']);
-- an enforced constraint writes no `enforced` attribute (fingerprints of enforced schemas unchanged)
SELECT migrate_guard.export_schema(ARRAY['public'])->'objects'->'constraint'->'child_pid_fkey on public.child';
SELECT constraint_name, on_delete, status, detail FROM migrate_guard.verify_fk_rules();
ALTER TABLE child DISABLE TRIGGER ALL;
-- the referencing side's check triggers are off
SELECT * FROM migrate_guard.compare_schema('before');
SELECT migrate_guard.schema_fingerprint(ARRAY['public'])
     = (SELECT fingerprint FROM migrate_guard.schema_snapshots WHERE label = 'before') AS same_fingerprint;
SELECT migrate_guard.export_schema(ARRAY['public'])->'objects'->'constraint'->'child_pid_fkey on public.child';
SELECT constraint_name, on_delete, status, detail FROM migrate_guard.verify_fk_rules();
-- with an expectation: FAIL, even though ON DELETE matches
SELECT constraint_name, on_delete, expected_on_delete, status, detail
  FROM migrate_guard.verify_fk_rules('[{"table": "child", "references": "parent", "on_delete": "CASCADE"}]');
-- only the referenced side's action triggers off
ALTER TABLE child ENABLE TRIGGER ALL;
SELECT * FROM migrate_guard.compare_schema('before');
ALTER TABLE parent DISABLE TRIGGER ALL;
SELECT * FROM migrate_guard.compare_schema('before');
SELECT constraint_name, status, detail FROM migrate_guard.verify_fk_rules();
-- both sides (the attack's case)
ALTER TABLE child DISABLE TRIGGER ALL;
SELECT constraint_name, status, detail FROM migrate_guard.verify_fk_rules();
ALTER TABLE child ENABLE TRIGGER ALL;
-- one internal trigger disabled by name, or set to REPLICA only
ALTER TABLE parent ENABLE TRIGGER ALL;
SELECT tgname AS ri_trigger FROM pg_trigger
 WHERE tgrelid = 'parent'::regclass AND tgisinternal AND tgfoid = 'pg_catalog."RI_FKey_cascade_del"'::regproc \gset
ALTER TABLE parent DISABLE TRIGGER :"ri_trigger";
SELECT object_identity, change, attribute, before_value, after_value, severity FROM migrate_guard.compare_schema('before');
ALTER TABLE parent ENABLE REPLICA TRIGGER :"ri_trigger";
SELECT object_identity, change, attribute, before_value, after_value, severity FROM migrate_guard.compare_schema('before');
ALTER TABLE parent ENABLE TRIGGER :"ri_trigger";
ALTER TABLE parent ENABLE ALWAYS TRIGGER :"ri_trigger";  -- fires in replica sessions too: still enforced
SELECT * FROM migrate_guard.compare_schema('before');
ALTER TABLE parent ENABLE TRIGGER :"ri_trigger";
-- postflight: the schema check FAILs
SELECT check_name, status, detail FROM migrate_guard.preflight('release', ARRAY['public']) WHERE check_name = 'fk rules';
ALTER TABLE child DISABLE TRIGGER ALL;
SELECT check_name, status, CASE WHEN check_name <> 'overall' THEN detail END AS detail
  FROM migrate_guard.postflight('release')
 WHERE check_name LIKE 'schema%' OR check_name IN ('fk rules', 'overall');
-- and the key is indeed not enforced
INSERT INTO child VALUES (2, 999);
ALTER TABLE child ENABLE TRIGGER ALL;
DELETE FROM child WHERE id = 2;
SELECT * FROM migrate_guard.compare_schema('before');
-- two snapshots: disabled -> enabled is a warn (enforced again; rows accepted meanwhile not re-checked)
ALTER TABLE child DISABLE TRIGGER ALL;
SELECT objects > 0 AS stored FROM migrate_guard.schema_snapshot('disabled', ARRAY['public']);
ALTER TABLE child ENABLE TRIGGER ALL;
SELECT * FROM migrate_guard.compare_schema('disabled');
-- a deferrable unique constraint is enforced by a trigger too
CREATE TABLE codes(code text UNIQUE DEFERRABLE INITIALLY DEFERRED);
SELECT objects > 0 AS stored FROM migrate_guard.schema_snapshot('codes', ARRAY['public']);
ALTER TABLE codes DISABLE TRIGGER ALL;
SELECT * FROM migrate_guard.compare_schema('codes');
ALTER TABLE codes ENABLE TRIGGER ALL;
-- a key of a partitioned table: its clone on a partition is disabled
CREATE TABLE events(id int, pid int REFERENCES parent, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX ON events(pid);
SELECT objects > 0 AS stored FROM migrate_guard.schema_snapshot('events', ARRAY['public']);
ALTER TABLE events_2026 DISABLE TRIGGER ALL;
SELECT * FROM migrate_guard.compare_schema('events');
SELECT constraint_name, status, detail FROM migrate_guard.verify_fk_rules() WHERE table_name = 'public.events';
ALTER TABLE events_2026 ENABLE TRIGGER ALL;
-- a user trigger's enabled state is compared (ENABLED, DISABLED, REPLICA, ALWAYS)
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER child_touch BEFORE UPDATE ON child FOR EACH ROW EXECUTE FUNCTION touch();
SELECT objects > 0 AS stored FROM migrate_guard.schema_snapshot('touch', ARRAY['public']);
ALTER TABLE child ENABLE ALWAYS TRIGGER child_touch;
SELECT object_identity, attribute, before_value, after_value, severity FROM migrate_guard.compare_schema('touch');
ALTER TABLE child ENABLE REPLICA TRIGGER child_touch;
SELECT object_identity, attribute, before_value, after_value, severity FROM migrate_guard.compare_schema('touch');
ALTER TABLE child DISABLE TRIGGER child_touch;
SELECT object_identity, attribute, before_value, after_value, severity FROM migrate_guard.compare_schema('touch');
ALTER TABLE child ENABLE TRIGGER child_touch;
SELECT * FROM migrate_guard.compare_schema('touch');
