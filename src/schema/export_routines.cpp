/*
 * export_routines.cpp — functions, procedures and aggregates.
 *
 * The body is represented by a SHA-256 hash (of prosrc, of the parsed body of
 * a BEGIN ATOMIC function, plus probin for C functions), not its text.
 * proconfig (SET clauses) is normalised: entries sorted, setting names in
 * lower case, and list-valued settings (search_path, ...) written with ", "
 * between their items, as pg_dump's restore writes them.  Functions that
 * PostgreSQL creates for another object (range constructors, ...) are left
 * out with that object.
 */
#include "common/bridge.h"
#include "schema/export_queries.h"

namespace mg {

const ExportQuery kRoutinesQuery = {
    "functions and procedures",
    R"SQL(
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS type,
       pg_catalog.format('%I.%I(%s)', n.nspname, p.proname,
                         pg_catalog.oidvectortypes(p.proargtypes)) AS identity,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_catalog.pg_get_function_result(p.oid) END AS result,
       l.lanname::text AS language,
       CASE WHEN p.prokind <> 'a' THEN
         pg_catalog.encode(pg_catalog.sha256(pg_catalog.textsend(
           coalesce(pg_catalog.pg_get_function_sqlbody(p.oid), p.prosrc, '')
           || coalesce(E'\n' || p.probin, ''))), 'hex') END AS body_hash,
       CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END AS volatility,
       p.proisstrict AS strict,
       CASE WHEN p.prosecdef THEN 'DEFINER' ELSE 'INVOKER' END AS security,
       p.proleakproof AS leakproof,
       CASE p.proparallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END AS parallel,
       p.procost::text AS cost,
       CASE WHEN p.proretset THEN p.prorows::text END AS rows,
       CASE WHEN p.prokind = 'w' THEN true END AS window,
       CASE WHEN p.prosupport <> 0 THEN p.prosupport::pg_catalog.regproc::text END AS support,
       (SELECT pg_catalog.string_agg(e.setting, '; ' ORDER BY e.setting COLLATE "C")
          FROM (SELECT CASE WHEN v.name IN ('search_path', 'temp_tablespaces', 'session_preload_libraries',
                                            'local_preload_libraries')
                            THEN v.name || '=' || pg_catalog.regexp_replace(v.value, E'\\s*,\\s*', ', ', 'g')
                            ELSE v.name || '=' || v.value END AS setting
                  FROM (SELECT pg_catalog.lower(pg_catalog.split_part(cfg, '=', 1)) AS name,
                               pg_catalog.substr(cfg, pg_catalog.strpos(cfg, '=') + 1) AS value
                          FROM pg_catalog.unnest(p.proconfig) cfg) v) e) AS config,
       CASE WHEN p.prokind = 'a' THEN
         pg_catalog.concat_ws(', ',
           'kind ' || ag.aggkind::text,
           'sfunc ' || ag.aggtransfn::pg_catalog.regprocedure::text,
           'stype ' || pg_catalog.format_type(ag.aggtranstype, NULL),
           'finalfunc ' || NULLIF(ag.aggfinalfn, 0)::pg_catalog.regprocedure::text,
           'combinefunc ' || NULLIF(ag.aggcombinefn, 0)::pg_catalog.regprocedure::text,
           'initcond ' || pg_catalog.quote_literal(ag.agginitval),
           'sortop ' || NULLIF(ag.aggsortop, 0)::pg_catalog.regoperator::text) END AS aggregate,
       pg_catalog.pg_get_userbyid(p.proowner) AS owner,
       d.description AS comment,
       p.proacl AS _acl,
       'function' AS _acl_kind,
       p.proowner AS _owner
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_proc", "p.oid", "0") R"SQL(
 WHERE )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_proc", "p.oid") R"SQL(
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend internal
                    WHERE internal.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                      AND internal.objid = p.oid AND internal.deptype = 'i')
)SQL",
};

} // namespace mg
