--
-- schema_interrupts: the functions any role may call with input of any size
-- answer in O(n log n) and honour statement_timeout / cancel while they work:
-- compare_schema() on long enum value and privilege lists (once quadratic and
-- deaf to interrupts) and on huge exports; verify_fk_rules() with thousands
-- of expectations
--
SET ROLE mg_app;
-- answered: finished, or cancelled by statement_timeout, within `limit_ms` of the start
CREATE FUNCTION pg_temp.answered_within(sql text, limit_ms int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
        how text;
BEGIN
  BEGIN
    EXECUTE sql;
    how := 'finished';
  EXCEPTION WHEN query_canceled THEN
    how := 'cancelled';
  END;
  RETURN how || CASE WHEN clock_timestamp() - t0 < limit_ms * interval '1 ms' THEN ' in time' ELSE ' late' END;
END $$;

-- the attack: one enum of 30,000 values, listed in opposite orders (quadratic
-- before: seconds, and statement_timeout honoured only at the end)
CREATE TEMP TABLE exports AS
WITH v AS (SELECT string_agg(quote_literal('v' || g), ', ' ORDER BY g) AS b,
                  string_agg(quote_literal('v' || g), ', ' ORDER BY g DESC) AS a
             FROM generate_series(1, 30000) g),
     e AS (SELECT '{"format": "migrate_guard schema export", "format_version": 1, "objects": {}}'::jsonb AS x)
SELECT jsonb_set(e.x, '{objects,type}', jsonb_build_object('public.big',
         jsonb_build_object('kind', 'enum', 'values', v.b))) AS before_export,
       jsonb_set(e.x, '{objects,type}', jsonb_build_object('public.big',
         jsonb_build_object('kind', 'enum', 'values', v.a || ', ''extra'''))) AS after_export,
       jsonb_set(e.x, '{objects,type}', jsonb_build_object('public.big',
         jsonb_build_object('kind', 'enum', 'values', replace(v.a, '''v17''', '''v17 renamed''')))) AS renamed_export
  FROM v, e;
SET statement_timeout = '200ms';
SELECT pg_temp.answered_within('SELECT count(*) FROM pg_temp.exports, migrate_guard.compare_schema(before_export, after_export)', 1000)
  AS enum_30000_values;
RESET statement_timeout;
-- and the severities are right: every value kept (info), one renamed (danger)
SELECT object_type, object_identity, change, attribute, severity
  FROM exports, migrate_guard.compare_schema(before_export, after_export);
SELECT object_type, object_identity, change, attribute, severity
  FROM exports, migrate_guard.compare_schema(before_export, renamed_export);

-- the same with a privilege list of 30,000 entries (privileges_kept)
CREATE TEMP TABLE grants AS
WITH v AS (SELECT string_agg('P' || g, ', ' ORDER BY g) AS b,
                  string_agg('P' || g || ' WITH GRANT OPTION', ', ' ORDER BY g DESC) AS a
             FROM generate_series(1, 30000) g),
     e AS (SELECT '{"format": "migrate_guard schema export", "format_version": 1, "objects": {}}'::jsonb AS x)
SELECT jsonb_set(e.x, '{objects,table}', jsonb_build_object('public.t', jsonb_build_object('privileges for app', v.b)))
         AS before_export,
       jsonb_set(e.x, '{objects,table}', jsonb_build_object('public.t', jsonb_build_object('privileges for app', v.a)))
         AS after_export,
       jsonb_set(e.x, '{objects,table}', jsonb_build_object('public.t',
         jsonb_build_object('privileges for app', replace(v.a, 'P29999 ', 'P2999 ')))) AS revoked_export
  FROM v, e;
SET statement_timeout = '200ms';
SELECT pg_temp.answered_within('SELECT count(*) FROM pg_temp.grants, migrate_guard.compare_schema(before_export, revoked_export)', 1000)
  AS privileges_30000;
RESET statement_timeout;
SELECT object_type, object_identity, change, attribute, severity
  FROM grants, migrate_guard.compare_schema(before_export, after_export);
SELECT object_type, object_identity, change, attribute, severity
  FROM grants, migrate_guard.compare_schema(before_export, revoked_export);

-- input so large that even linear work outlasts the timeout: it is cancelled
-- promptly, not when the work ends
CREATE TEMP TABLE big(before_export jsonb, after_export jsonb);
ALTER TABLE big ALTER before_export SET STORAGE EXTERNAL, ALTER after_export SET STORAGE EXTERNAL;
INSERT INTO big
SELECT jsonb_build_object('format', 'migrate_guard schema export', 'format_version', 1, 'objects',
         jsonb_build_object('type', jsonb_build_object('public.big', jsonb_build_object('kind', 'enum', 'values',
           (SELECT string_agg('''v' || g || '''', ', ') FROM generate_series(1, 500000) g))))),
       jsonb_build_object('format', 'migrate_guard schema export', 'format_version', 1, 'objects',
         jsonb_build_object('type', jsonb_build_object('public.big', jsonb_build_object('kind', 'enum', 'values',
           (SELECT string_agg('''v' || g || '''', ', ') FROM generate_series(500000, 0, -1) g)))));
SET statement_timeout = '50ms';
SELECT pg_temp.answered_within('SELECT count(*) FROM pg_temp.big, migrate_guard.compare_schema(before_export, after_export)', 1000)
  AS enum_500000_values;
RESET statement_timeout;

-- verify_fk_rules: thousands of expectations for one pair are sorted, not
-- compared pairwise; the first contradiction is still the one reported
RESET ROLE;
CREATE TABLE parent(id int PRIMARY KEY);
CREATE TABLE child(id int, parent_id int REFERENCES parent);
SELECT count(*) AS rows, count(*) FILTER (WHERE status = 'MISSING') AS missing, min(status) AS status
  FROM migrate_guard.verify_fk_rules((
    SELECT jsonb_agg(jsonb_build_object('table', 'child', 'references', 'parent', 'on_delete', 'NO ACTION'))
      FROM generate_series(1, 5000)));
\set VERBOSITY terse
SELECT * FROM migrate_guard.verify_fk_rules((
    SELECT jsonb_agg(jsonb_build_object('table', 'child', 'references', 'parent',
                                        'on_delete', CASE WHEN g IN (4000, 4500) THEN 'CASCADE' ELSE 'NO ACTION' END)
                     ORDER BY g)
      FROM generate_series(1, 5000) g));
\set VERBOSITY default
