/*
 * export_relation_parts.cpp — what hangs off a table or view: constraints
 * (also those of domains), indexes, triggers, rules, row-level security
 * policies and extended statistics.
 *
 * Left out because PostgreSQL derives them (their names may differ between a
 * database and its restored dump): internal triggers (foreign-key and
 * constraint-index triggers) and constraints cloned onto partitions or onto
 * the partitions of a referenced partitioned table (conparentid <> 0).
 *
 * What those internal triggers do is not left out: a constraint enforced by
 * triggers (a foreign key, a deferrable unique or exclusion constraint) one
 * of which — its own or one of a clone on a partition — is DISABLED or
 * REPLICA-only (ALTER TABLE ... DISABLE TRIGGER ALL) is no longer checked in
 * ordinary sessions: it gets `enforced` false (written only then, so the
 * exports of enforced constraints are unchanged).
 */
#include "common/bridge.h"
#include "schema/export_queries.h"

namespace mg {

/* a referential action code as SQL spells it */
#define MG_FK_ACTION(code)                                                                         \
    "CASE " code " WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' "     \
    "WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' END"

const ExportQuery kConstraintsQuery = {
    "constraints",
    R"SQL(
SELECT 'constraint' AS type,
       pg_catalog.format('%I on %I.%I', co.conname, n.nspname, coalesce(c.relname, ty.typname)) AS identity,
       pg_catalog.pg_get_constraintdef(co.oid) AS definition,
       co.convalidated AS validated,
       CASE WHEN co.contype = 'f' THEN )SQL" MG_FK_ACTION("co.confdeltype") R"SQL( END AS on_delete,
       CASE WHEN co.contype = 'f' THEN )SQL" MG_FK_ACTION("co.confupdtype") R"SQL( END AS on_update,
       CASE WHEN off.oid IS NOT NULL THEN false END AS enforced,
       d.description AS comment
  FROM pg_catalog.pg_constraint co
  JOIN pg_catalog.pg_namespace n ON n.oid = co.connamespace
  LEFT JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  LEFT JOIN pg_catalog.pg_type ty ON ty.oid = co.contypid
  -- the constraints (walked up from clones to the one a user declared) with an
  -- enforcement trigger that does not fire in an ordinary session
  LEFT JOIN (WITH RECURSIVE up(oid, parent) AS (
               SELECT tc.oid, tc.conparentid
                 FROM pg_catalog.pg_trigger t
                 JOIN pg_catalog.pg_constraint tc ON tc.oid = t.tgconstraint
                WHERE t.tgisinternal AND t.tgenabled IN ('D', 'R')
               UNION
               SELECT p.oid, p.conparentid FROM up JOIN pg_catalog.pg_constraint p ON p.oid = up.parent)
             SELECT DISTINCT oid FROM up) off ON off.oid = co.oid
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_constraint", "co.oid", "0") R"SQL(
 WHERE co.conparentid = 0
   AND (co.conrelid <> 0 OR co.contypid <> 0)
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND (co.conrelid = 0 OR )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "co.conrelid") R"SQL()
   AND (co.contypid = 0 OR )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_type", "co.contypid") R"SQL()
)SQL",
};

const ExportQuery kIndexesQuery = {
    "indexes",
    R"SQL(
SELECT 'index' AS type,
       pg_catalog.format('%I.%I', n.nspname, ic.relname) AS identity,
       pg_catalog.format('%I.%I', n.nspname, c.relname) AS "table",
       CASE WHEN ico.oid IS NULL THEN pg_catalog.pg_get_indexdef(i.indexrelid) END AS definition,
       CASE WHEN ico.oid IS NOT NULL THEN pg_catalog.format('%I on %I.%I', ico.conname, n.nspname, c.relname) END
         AS "constraint",
       i.indisvalid AS valid,
       CASE WHEN i.indisclustered THEN true END AS clustered,
       ts.spcname::text AS tablespace,
       d.description AS comment
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = ic.reltablespace
  LEFT JOIN (SELECT oid, conname, conindid FROM pg_catalog.pg_constraint
              WHERE contype IN ('p', 'u', 'x') AND conrelid <> 0) ico ON ico.conindid = i.indexrelid
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_class", "i.indexrelid", "0") R"SQL(
 WHERE c.relkind IN ('r', 'p', 'm', 'f')
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

const ExportQuery kTriggersQuery = {
    "triggers",
    R"SQL(
SELECT 'trigger' AS type,
       pg_catalog.format('%I on %I.%I', t.tgname, n.nspname, c.relname) AS identity,
       pg_catalog.pg_get_triggerdef(t.oid) AS definition,
       CASE t.tgenabled WHEN 'O' THEN 'ENABLED' WHEN 'D' THEN 'DISABLED' WHEN 'R' THEN 'REPLICA'
                        WHEN 'A' THEN 'ALWAYS' END AS enabled,
       d.description AS comment
  FROM pg_catalog.pg_trigger t
  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_trigger", "t.oid", "0") R"SQL(
 WHERE NOT t.tgisinternal
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

const ExportQuery kRulesQuery = {
    "rules",
    R"SQL(
SELECT 'rule' AS type,
       pg_catalog.format('%I on %I.%I', r.rulename, n.nspname, c.relname) AS identity,
       pg_catalog.pg_get_ruledef(r.oid) AS definition,
       CASE r.ev_enabled WHEN 'O' THEN 'ENABLED' WHEN 'D' THEN 'DISABLED' WHEN 'R' THEN 'REPLICA'
                         WHEN 'A' THEN 'ALWAYS' END AS enabled,
       d.description AS comment
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_rewrite", "r.oid", "0") R"SQL(
 WHERE r.rulename <> '_RETURN'
   AND )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

const ExportQuery kPoliciesQuery = {
    "policies",
    R"SQL(
SELECT 'policy' AS type,
       pg_catalog.format('%I on %I.%I', p.polname, n.nspname, c.relname) AS identity,
       CASE p.polcmd WHEN '*' THEN 'ALL' WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                     WHEN 'd' THEN 'DELETE' END AS command,
       p.polpermissive AS permissive,
       (SELECT pg_catalog.string_agg(r.name, ', ' ORDER BY r.name COLLATE "C")
          FROM (SELECT CASE WHEN ro = 0 THEN 'PUBLIC'
                            ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(ro)) END AS name
                  FROM pg_catalog.unnest(p.polroles) ro) r) AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS "using",
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
       d.description AS comment
  FROM pg_catalog.pg_policy p
  JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_policy", "p.oid", "0") R"SQL(
 WHERE )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

const ExportQuery kStatisticsQuery = {
    "extended statistics",
    R"SQL(
SELECT 'statistics' AS type,
       pg_catalog.format('%I.%I', sn.nspname, s.stxname) AS identity,
       pg_catalog.format('%I.%I', n.nspname, c.relname) AS "table",
       pg_catalog.pg_get_statisticsobjdef(s.oid) AS definition,
       CASE WHEN s.stxstattarget >= 0 THEN s.stxstattarget::int END AS statistics,
       pg_catalog.pg_get_userbyid(s.stxowner) AS owner,
       d.description AS comment
  FROM pg_catalog.pg_statistic_ext s
  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.stxnamespace
  JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
)SQL" MG_COMMENT_JOIN("d", "pg_catalog.pg_statistic_ext", "s.oid", "0") R"SQL(
 WHERE )SQL" MG_SCOPE_SQL R"SQL(
   AND )SQL" MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_class", "c.oid"),
};

} // namespace mg
