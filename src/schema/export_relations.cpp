/*
 * export_relations.cpp — tables (ordinary, partitioned, foreign), views,
 * materialized views and sequences, and the columns of all of them.
 */
#include "common/bridge.h"
#include "schema/export_queries.h"

namespace mg {

const ExportQuery kRelationsQuery = {
    "tables, views and sequences",
    R"SQL(
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                      ELSE 'table' END AS type,
       pg_catalog.format('%I.%I', n.nspname, c.relname) AS identity,
       CASE c.relkind WHEN 'r' THEN 'ordinary' WHEN 'p' THEN 'partitioned' WHEN 'f' THEN 'foreign' END AS kind,
       CASE WHEN c.relkind IN ('r', 'p', 'S') THEN
         CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END END AS persistence,
       pg_catalog.pg_get_userbyid(c.relowner) AS owner,
       CASE WHEN c.relkind IN ('r', 'p') THEN c.relrowsecurity END AS rls_enabled,
       CASE WHEN c.relkind IN ('r', 'p') THEN c.relforcerowsecurity END AS rls_forced,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN inh.parents END AS partition_of,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN NOT c.relispartition THEN inh.parents END AS inherits,
       CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS of_type,
       ts.spcname::text AS tablespace,
       CASE WHEN c.relkind IN ('r', 'm') THEN am.amname::text END AS access_method,
       CASE WHEN c.reloptions IS NOT NULL THEN
         (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o COLLATE "C") FROM pg_catalog.unnest(c.reloptions) o
           WHERE c.relkind <> 'v'
              OR pg_catalog.split_part(o, '=', 1) NOT IN ('security_invoker', 'security_barrier', 'check_option'))
         END AS options,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN
         CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
           WHEN 'i' THEN 'index ' || (SELECT pg_catalog.quote_ident(ri.relname)
                                        FROM pg_catalog.pg_index rx
                                        JOIN pg_catalog.pg_class ri ON ri.oid = rx.indexrelid
                                       WHERE rx.indrelid = c.oid AND rx.indisreplident) END END
         AS replica_identity,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS definition,
       CASE WHEN c.relkind = 'm' THEN c.relispopulated END AS populated,
       CASE WHEN c.relkind = 'v' THEN
         coalesce(CASE WHEN c.reloptions IS NOT NULL THEN
                    (SELECT CAST(pg_catalog.substr(o, 18) AS pg_catalog.bool) FROM pg_catalog.unnest(c.reloptions) o
                      WHERE pg_catalog.split_part(o, '=', 1) = 'security_invoker') END, false) END AS security_invoker,
       CASE WHEN c.relkind = 'v' THEN
         coalesce(CASE WHEN c.reloptions IS NOT NULL THEN
                    (SELECT CAST(pg_catalog.substr(o, 18) AS pg_catalog.bool) FROM pg_catalog.unnest(c.reloptions) o
                      WHERE pg_catalog.split_part(o, '=', 1) = 'security_barrier') END, false) END AS security_barrier,
       CASE WHEN c.relkind = 'v' THEN
         (SELECT pg_catalog.lower(pg_catalog.substr(o, 14)) FROM pg_catalog.unnest(c.reloptions) o
           WHERE pg_catalog.split_part(o, '=', 1) = 'check_option') END AS check_option,
       pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS minimum,
       s.seqmax AS maximum,
       s.seqcache AS cache,
       s.seqcycle AS cycle,
       owned.owned_by,
       fs.srvname::text AS server,
       CASE WHEN ft.ftoptions IS NOT NULL THEN
         (SELECT pg_catalog.string_agg(o, ', ' ORDER BY o COLLATE "C") FROM pg_catalog.unnest(ft.ftoptions) o)
         END AS foreign_options,
       d.description AS comment,
       c.relacl AS _acl,
       CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END AS _acl_kind,
       c.relowner AS _owner
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace
  LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
  LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
  LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
  LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
  LEFT JOIN (SELECT i.inhrelid,
                    pg_catalog.string_agg(pg_catalog.format('%I.%I', pn.nspname, pc.relname), ', '
                                          ORDER BY i.inhseqno) AS parents
               FROM pg_catalog.pg_inherits i
               JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
               JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
              GROUP BY i.inhrelid) inh ON inh.inhrelid = c.oid
  LEFT JOIN (SELECT od.objid,
                    pg_catalog.format('%I.%I.%I', tn.nspname, tc.relname, ta.attname) AS owned_by
               FROM pg_catalog.pg_depend od
               JOIN pg_catalog.pg_class sc ON sc.oid = od.objid AND sc.relkind = 'S'
               JOIN pg_catalog.pg_class tc ON tc.oid = od.refobjid
               JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
               JOIN pg_catalog.pg_attribute ta ON ta.attrelid = od.refobjid AND ta.attnum = od.refobjsubid
              WHERE od.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                AND od.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                AND od.refobjsubid > 0 AND od.deptype IN ('a', 'i')) owned ON owned.objid = c.oid
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_class", "c.oid", "0") R"SQL(
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

/*
 * A column's position counts the columns that are not dropped, so that a
 * table whose history dropped a column matches its restored copy: the
 * query returns attrelid and attnum (_attrelid, _attnum) and the export
 * builder ranks the columns of each relation.
 * Defaults are deparsed without the table (they cannot refer to columns),
 * which spares building the table's relation cache entry; generated columns,
 * whose expression does, are deparsed with it.
 */
const ExportQuery kColumnsQuery = {
    "columns",
    R"SQL(
SELECT 'column' AS type,
       pg_catalog.format('%I.%I.%I', n.nspname, c.relname, a.attname) AS identity,
       a.attrelid AS _attrelid,
       a.attnum AS _attnum,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       a.attnotnull AS not_null,
       CASE WHEN a.atthasdef AND a.attgenerated = '' THEN
         (SELECT pg_catalog.pg_get_expr(ad.adbin, 0) FROM pg_catalog.pg_attrdef ad
           WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END AS "default",
       CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS identity_generation,
       CASE WHEN a.atthasdef AND a.attgenerated = 's' THEN
         (SELECT pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) FROM pg_catalog.pg_attrdef ad
           WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END AS generated,
       CASE WHEN a.attcollation <> t.typcollation THEN
         (SELECT pg_catalog.format('%I.%I', con.nspname, co.collname)
            FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
           WHERE co.oid = a.attcollation) END AS collation,
       CASE WHEN a.attstorage <> t.typstorage THEN
         CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN'
                           WHEN 'x' THEN 'EXTENDED' END END AS storage,
       CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression,
       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::int END AS statistics,
       d.description AS comment,
       a.attacl AS _acl,
       'column' AS _acl_kind,
       c.relowner AS _owner
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_class", "a.attrelid", "a.attnum") R"SQL(
 WHERE a.attnum > 0 AND NOT a.attisdropped
   AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

} // namespace mg
