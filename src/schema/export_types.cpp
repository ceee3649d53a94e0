/*
 * export_types.cpp — user-defined types (enum, composite, range, base),
 * domains and collations.
 *
 * Enum values are listed in their sort order (not by enumsortorder values,
 * which differ after ALTER TYPE ... ADD VALUE BEFORE); array types, the row
 * types of tables and multiranges are left out (PostgreSQL creates them with
 * their type); collation versions are left out (they follow the library).
 */
#include "common/bridge.h"
#include "schema/export_queries.h"

namespace mg {

const ExportQuery kTypesQuery = {
    "types and domains",
    R"SQL(
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END AS type,
       pg_catalog.format('%I.%I', n.nspname, t.typname) AS identity,
       CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range'
                      WHEN 'b' THEN 'base' END AS kind,
       CASE WHEN t.typtype = 'e' THEN
         (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
            FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END AS "values",
       CASE WHEN t.typtype = 'c' THEN
         (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname,
                                                         pg_catalog.format_type(a.atttypid, a.atttypmod))
                                       || CASE WHEN a.attcollation <> at.typcollation THEN
                                            ' COLLATE ' || pg_catalog.format('%I.%I', acn.nspname, ac.collname)
                                          ELSE '' END,
                                       ', ' ORDER BY a.attnum)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_collation ac ON ac.oid = a.attcollation
            LEFT JOIN pg_catalog.pg_namespace acn ON acn.oid = ac.collnamespace
           WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS "attributes",
       CASE WHEN t.typtype = 'r' THEN pg_catalog.format_type(rg.rngsubtype, NULL) END AS subtype,
       CASE WHEN t.typtype = 'r' THEN
         (SELECT pg_catalog.format('%I.%I', ocn.nspname, oc.opcname)
            FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
           WHERE oc.oid = rg.rngsubopc) END AS subtype_opclass,
       CASE WHEN t.typtype = 'r' AND rg.rngcanonical <> 0 THEN rg.rngcanonical::pg_catalog.regproc::text END
         AS canonical,
       CASE WHEN t.typtype = 'r' AND rg.rngsubdiff <> 0 THEN rg.rngsubdiff::pg_catalog.regproc::text END
         AS subtype_diff,
       CASE WHEN t.typtype = 'b' THEN
         pg_catalog.concat_ws(', ', 'input ' || t.typinput::pg_catalog.regproc::text,
                              'output ' || t.typoutput::pg_catalog.regproc::text,
                              'receive ' || NULLIF(t.typreceive, 0)::pg_catalog.regproc::text,
                              'send ' || NULLIF(t.typsend, 0)::pg_catalog.regproc::text,
                              'length ' || t.typlen, 'alignment ' || t.typalign::text,
                              'storage ' || t.typstorage::text, 'category ' || t.typcategory::text) END AS definition,
       CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
       CASE WHEN t.typtype = 'd' THEN t.typnotnull END AS not_null,
       CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS "default",
       CASE WHEN t.typtype IN ('d', 'r') AND t.typcollation <> coalesce(bt.typcollation, 0) THEN
         pg_catalog.format('%I.%I', cn.nspname, co.collname) END AS collation,
       pg_catalog.pg_get_userbyid(t.typowner) AS owner,
       d.description AS comment,
       t.typacl AS _acl,
       CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END AS _acl_kind,
       t.typowner AS _owner
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_class rel ON rel.oid = t.typrelid AND t.typtype = 'c'
  LEFT JOIN pg_catalog.pg_range rg ON rg.rngtypid = t.oid
  LEFT JOIN pg_catalog.pg_type bt ON bt.oid = CASE t.typtype WHEN 'd' THEN t.typbasetype ELSE rg.rngsubtype END
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
  LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_type", "t.oid", "0") R"SQL(
 WHERE t.typtype IN ('b', 'c', 'd', 'e', 'r')
   AND (t.typtype <> 'c' OR rel.relkind = 'c')
   AND NOT (t.typelem <> 0 AND t.typsubscript = 'pg_catalog.array_subscript_handler'::pg_catalog.regproc)
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_type", "t.oid"),
};

const ExportQuery kCollationsQuery = {
    "collations",
    "SELECT 'collation' AS type, pg_catalog.format('%I.%I', n.nspname, co.collname) AS identity, "
    "       "
    "       CASE co.collprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' WHEN 'd' THEN 'default' END AS provider, "
    "       " MG_SQL_COLLATION_LOCALE " AS locale, "
    "       NULLIF(co.collctype::text, co.collcollate::text) AS ctype, "
    "       co.collisdeterministic AS deterministic, "
    "       pg_catalog.pg_get_userbyid(co.collowner) AS owner, "
    "       d.description AS comment "
    "  FROM pg_catalog.pg_collation co "
    "  JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace "
    MG_COMMENT_JOIN("d", "pg_catalog.pg_collation", "co.oid", "0")
    " WHERE " MG_SCOPE_SQL
    "   AND " MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_collation", "co.oid"),
};

} // namespace mg
