--
-- verify_planted: every SQL text the library runs is schema-qualified and
-- runs with search_path pinned to pg_catalog, so look-alike functions,
-- operators, aggregates and types planted in a schema that comes
-- first in the caller's search_path are never used (in the caller's rights)
--
\pset null '(null)'
CREATE TABLE public.planted_calls(what text);
GRANT INSERT ON public.planted_calls TO PUBLIC;
CREATE SCHEMA evil AUTHORIZATION mg_app;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
SET ROLE mg_app;
CREATE FUNCTION evil.called(what text) RETURNS void LANGUAGE sql
  AS $$ INSERT INTO public.planted_calls VALUES (what) $$;
-- aggregates: count(*) (the verify_rls policy count), bool_and, array_agg
CREATE FUNCTION evil.count_step(bigint) RETURNS bigint LANGUAGE sql
  AS $$ SELECT evil.called('count(*)'); SELECT 1000::bigint $$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_step, STYPE = bigint, INITCOND = '1000');
CREATE FUNCTION evil.and_step(boolean, boolean) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('bool_and'); SELECT true $$;
CREATE AGGREGATE evil.bool_and(boolean) (SFUNC = evil.and_step, STYPE = boolean);
CREATE FUNCTION evil.agg_step(text[], text) RETURNS text[] LANGUAGE sql
  AS $$ SELECT evil.called('array_agg'); SELECT ARRAY['planted'] $$;
CREATE AGGREGATE evil.array_agg(text) (SFUNC = evil.agg_step, STYPE = text[]);
-- functions
CREATE FUNCTION evil.has_any_column_privilege(oid, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('has_any_column_privilege'); SELECT true $$;
CREATE FUNCTION evil.has_schema_privilege(oid, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('has_schema_privilege'); SELECT true $$;
CREATE FUNCTION evil.format(text, name, name) RETURNS text LANGUAGE sql
  AS $$ SELECT evil.called('format'); SELECT 'planted' $$;
CREATE FUNCTION evil.jsonb_typeof(jsonb) RETURNS text LANGUAGE sql
  AS $$ SELECT evil.called('jsonb_typeof'); SELECT 'object' $$;
CREATE FUNCTION evil.cardinality(int2[]) RETURNS int LANGUAGE sql
  AS $$ SELECT evil.called('cardinality'); SELECT 0 $$;
CREATE FUNCTION evil.unnest(int2[]) RETURNS SETOF int2 LANGUAGE sql
  AS $$ SELECT evil.called('unnest'); SELECT 1::int2 $$;
-- operators
CREATE FUNCTION evil.oideq(oid, oid) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('= oid'); SELECT $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.oideq);
CREATE FUNCTION evil.chareq("char", "char") RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('= char'); SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = "char", RIGHTARG = "char", FUNCTION = evil.chareq);
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('= text'); SELECT $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE FUNCTION evil.namenlike(name, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('!~~'); SELECT true $$;
CREATE OPERATOR evil.!~~ (LEFTARG = name, RIGHTARG = text, FUNCTION = evil.namenlike);
CREATE FUNCTION evil.namene(name, name) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('<> name'); SELECT true $$;
CREATE OPERATOR evil.<> (LEFTARG = name, RIGHTARG = name, FUNCTION = evil.namene);
CREATE FUNCTION evil.textregex(text, text) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('~'); SELECT true $$;
CREATE OPERATOR evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.textregex);
CREATE FUNCTION evil.int8eq(bigint, bigint) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('= bigint'); SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8eq);
CREATE FUNCTION evil.jsonb_field(jsonb, text) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT evil.called('->'); SELECT '"planted"'::jsonb $$;
CREATE OPERATOR evil.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.jsonb_field);
CREATE FUNCTION evil.jsonb_field_text(jsonb, text) RETURNS text LANGUAGE sql
  AS $$ SELECT evil.called('->>'); SELECT 'planted' $$;
CREATE OPERATOR evil.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = evil.jsonb_field_text);
CREATE FUNCTION evil.arraycontains(int2[], int2[]) RETURNS boolean LANGUAGE sql
  AS $$ SELECT evil.called('@>'); SELECT true $$;
CREATE OPERATOR evil.@> (LEFTARG = int2[], RIGHTARG = int2[], FUNCTION = evil.arraycontains);
CREATE FUNCTION evil.int4mi(int, int) RETURNS int LANGUAGE sql
  AS $$ SELECT evil.called('-'); SELECT 0 $$;
CREATE OPERATOR evil.- (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.int4mi);
-- a type named like a built-in one
CREATE TYPE evil.text AS (planted int);
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA evil TO PUBLIC;
RESET ROLE;

-- the plants work: unqualified SQL with this search_path calls every one
SET search_path = evil, pg_catalog, public;
SELECT count(*) AS not_the_real_count FROM pg_catalog.pg_class;
SELECT bool_and(true), array_agg('a'::pg_catalog.text),
       has_any_column_privilege(0::oid, 'SELECT'), has_schema_privilege(0::oid, 'USAGE'),
       format('%I.%I', 'a'::name, 'b'::name), jsonb_typeof('1'::jsonb), cardinality('{}'::int2[]),
       (SELECT u FROM unnest('{7}'::int2[]) u), 1::oid = 1::oid, 'a'::"char" = 'b'::"char",
       'a'::pg_catalog.text = 'a'::pg_catalog.text, 'a'::name !~~ 'b'::pg_catalog.text, 'a'::name <> 'a'::name,
       'a'::pg_catalog.text ~ 'b'::pg_catalog.text, 1::bigint = 2::bigint, '{}'::jsonb -> 'k'::pg_catalog.text,
       '{}'::jsonb ->> 'k'::pg_catalog.text, '{1}'::int2[] @> '{2}'::int2[], 5 - 3;
SELECT pg_typeof(NULL::text) OPERATOR(pg_catalog.<>) 'pg_catalog.text'::regtype AS text_is_the_planted_type;
SELECT pg_catalog.count(DISTINCT what) AS plants_that_fired FROM public.planted_calls;
RESET search_path;
DELETE FROM public.planted_calls WHERE what IS NOT NULL;

-- the library's SQL does not, run by a superuser with the same search_path
CREATE SCHEMA pl;
CREATE TABLE pl.parent(id int PRIMARY KEY);
CREATE TABLE pl.child(id int, parent_id int REFERENCES pl.parent ON DELETE CASCADE);
CREATE INDEX ON pl.child(parent_id);
INSERT INTO pl.parent SELECT generate_series(1, 4);
INSERT INTO pl.child SELECT g, g % 4 + 1 FROM generate_series(1, 10) g;
CREATE POLICY p1 ON pl.child USING (true);
ALTER TABLE pl.child ENABLE ROW LEVEL SECURITY;
INSERT INTO migrate_guard.fk_expectations("table", columns, "references", on_delete)
  VALUES ('pl.child', '{parent_id}', 'pl.parent', 'CASCADE');
SET search_path = evil, pg_catalog, public;
SELECT * FROM migrate_guard.verify_rls(ARRAY['pl']);
SELECT table_name, constraint_name, columns, referenced_columns, on_delete, status
  FROM migrate_guard.verify_fk_rules() WHERE table_name LIKE 'pl.%';
SELECT table_name, columns, on_delete, expected_on_delete, status
  FROM migrate_guard.verify_fk_rules('[{"table": "pl.child", "columns": ["parent_id"], "references": "pl.parent", "on_delete": "RESTRICT"}]')
 WHERE table_name LIKE 'pl.%';
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('planted_1', ARRAY['pl']);
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('planted_est', ARRAY['pl'], false);
INSERT INTO pl.parent VALUES (5);
SELECT * FROM migrate_guard.compare_row_counts('planted_1');
SELECT * FROM migrate_guard.compare_row_counts('planted_1', 'planted_est');
SELECT pg_catalog.count(*) AS by_id FROM migrate_guard.compare_row_counts(
  (SELECT snapshot_id::pg_catalog.text FROM migrate_guard.row_count_snapshots WHERE label OPERATOR(pg_catalog.=) 'planted_1'));
BEGIN;
SET LOCAL migrate_guard.allow_destructive = on;
SELECT migrate_guard.purge_ddl_log('100 years') >= 0 AS purged;
COMMIT;
-- and by the plain role that planted them
SET ROLE mg_app;
SELECT table_name, rls_enabled, policy_count, status FROM migrate_guard.verify_rls(ARRAY['pl']);
SELECT table_name, row_count FROM migrate_guard.snapshot_row_counts('planted_app', ARRAY['pl']);
SELECT table_name, status FROM migrate_guard.compare_row_counts('planted_1', 'planted_app');
RESET ROLE;
RESET search_path;
SELECT count(*) AS planted_calls FROM public.planted_calls;
SELECT what, count(*) FROM public.planted_calls GROUP BY 1 ORDER BY 1;
