-- migrate_guard 0.1.0 -> 0.2.0: upgrade script (ALTER EXTENSION migrate_guard UPDATE)
\echo Use "ALTER EXTENSION migrate_guard UPDATE TO '0.2.0'" \quit

-- ---------------------------------------------------------------------------
-- 0.2.0: guard
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: audit log and exposure
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: migration review
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- 0.2.0: schema snapshots, parity, pre-flight and post-flight
-- ---------------------------------------------------------------------------
CREATE FUNCTION migrate_guard.export_schema(schemas text[] DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'mg_export_schema'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.export_schema(text[]) IS
  'The schema of this database (or of the schemas listed) as canonical jsonb: names, never OIDs';

CREATE FUNCTION migrate_guard.schema_fingerprint(schemas text[] DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'mg_schema_fingerprint'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate_guard.schema_fingerprint(text[]) IS
  'SHA-256 of the canonical export of the schema: equal schemas, equal fingerprints';

-- ---------------------------------------------------------------------------
-- 0.2.0: guard by volume
-- ---------------------------------------------------------------------------

