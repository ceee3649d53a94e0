--
-- schema_errors: bad input to the schema functions is a clear ERROR; who may
-- read a stored export; a caller's search_path cannot change what they read.
--
CREATE TABLE public.t(id int PRIMARY KEY, v text);
CREATE VIEW public.tv WITH (security_barrier) AS SELECT * FROM public.t WHERE id > 0 WITH CHECK OPTION;

-- unknown schema
SELECT migrate_guard.export_schema(ARRAY['public', 'nope']);
SELECT migrate_guard.schema_fingerprint(ARRAY[NULL]);
SELECT * FROM migrate_guard.schema_snapshot('x', ARRAY['nope']);
SELECT * FROM migrate_guard.preflight('x', ARRAY['nope']);
-- empty scope: an export with no object but the database-wide ones
SELECT jsonb_object_keys(migrate_guard.export_schema(ARRAY[]::text[])->'objects') ORDER BY 1;

-- not an export / unknown format version / malformed parts
SELECT * FROM migrate_guard.compare_schema('{}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('[1, 2]'::jsonb);
SELECT * FROM migrate_guard.compare_schema('"text"'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 2, "objects": {}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": "1", "objects": {}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "objects": {"tabel": {}}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "objects": {"table": []}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "objects": {"table": {"public.t": 3}}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "objects": {"table": {"public.t": {"owner": ["a"]}}}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "scope": "public", "objects": {}}'::jsonb);
SELECT * FROM migrate_guard.compare_schema(migrate_guard.export_schema(), '{"format": "other"}'::jsonb);
SELECT * FROM migrate_guard.compare_schema(NULL::jsonb);
-- a hand-made export works: an empty one against the live public schema lists what exists, as ADDED
SELECT object_type, object_identity, change, severity
  FROM migrate_guard.compare_schema('{"format": "migrate_guard schema export", "format_version": 1, "scope": ["public"], "objects": {}}'::jsonb)
 ORDER BY 1, 2;
-- an attribute left out counts as its default; an unknown attribute is compared as is
SELECT * FROM migrate_guard.compare_schema(
  '{"format": "migrate_guard schema export", "format_version": 1, "objects": {"table": {"public.t": {"rls_enabled": false, "x": 1}}}}'::jsonb,
  '{"format": "migrate_guard schema export", "format_version": 1, "objects": {"table": {"public.t": {"x": 2}}}}'::jsonb);

-- unknown label or id
SELECT * FROM migrate_guard.compare_schema('nope');
SELECT * FROM migrate_guard.compare_schema('12345');
SELECT * FROM migrate_guard.compare_schema(NULL::text);
SELECT snapshot_id, label FROM migrate_guard.schema_snapshot('one');
SELECT * FROM migrate_guard.compare_schema('one', 'two');
SELECT * FROM migrate_guard.schema_snapshot('one');

-- who may read a stored export: the role that took it, superusers, the admin role
SET ROLE mg_app;
SELECT snapshot_id, label, taken_by, objects > 0 AS has_objects FROM migrate_guard.schema_snapshots ORDER BY 1;
SELECT export FROM migrate_guard.schema_snapshots;
SELECT * FROM migrate_guard.compare_schema('one');
SELECT snapshot_id, label FROM migrate_guard.schema_snapshot('mine', ARRAY['public']);
SELECT count(*) FROM migrate_guard.compare_schema('mine');
RESET ROLE;
SET ROLE mg_admin;
SELECT count(*) FROM migrate_guard.compare_schema('mine', 'one') WHERE false;
SELECT count(*) > 0 AS admin_reads_exports FROM migrate_guard.schema_snapshots WHERE export IS NOT NULL;
RESET ROLE;

-- a caller's search_path cannot shadow what the export reads: a planted
-- operator and functions in a schema first on the path change nothing
CREATE SCHEMA evil;
CREATE FUNCTION evil.texteq_always(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq_always);
CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
CREATE FUNCTION evil.format_type(oid, integer) RETURNS text LANGUAGE sql AS $$SELECT 'planted'$$;
CREATE TEMP TABLE plain AS SELECT migrate_guard.export_schema(ARRAY['public']) AS e;
SET search_path = evil, pg_catalog, public;
SELECT migrate_guard.export_schema(ARRAY['public']) = (SELECT e FROM plain) AS same_export_under_planted_path;
SELECT count(*) AS differences FROM migrate_guard.compare_schema((SELECT e FROM plain));
-- deparsed text does not depend on the session's settings either
SET DateStyle = 'SQL, DMY'; SET TimeZone = 'Asia/Tokyo'; SET quote_all_identifiers = on; SET extra_float_digits = 0;
ALTER TABLE public.t ADD COLUMN since timestamptz DEFAULT '2024-02-03 04:05:06+00', ADD COLUMN d date DEFAULT '2024-02-03';
RESET search_path;
CREATE TEMP TABLE tokyo AS SELECT migrate_guard.export_schema(ARRAY['public']) AS e;
RESET DateStyle; RESET TimeZone; RESET quote_all_identifiers; RESET extra_float_digits;
SELECT migrate_guard.export_schema(ARRAY['public']) = (SELECT e FROM tokyo) AS same_export_whatever_the_settings,
       (SELECT e->'objects'->'column'->'public.t.since'->>'default' FROM tokyo) AS since_default;
SET migrate_guard.allow_destructive = on;
DROP SCHEMA evil CASCADE;
