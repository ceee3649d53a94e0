/*
 * export_queries.h — the catalog queries of a schema export, one per object
 * family, each over the whole catalog (set-based: no per-object queries).
 *
 * Every query takes $1 = the schemas text[] (NULL: every user schema) and
 * returns one row per object with these columns:
 *   type, identity           the object (see object_types.h)
 *   _attrelid, _attnum       optional (columns): turned into "position", the
 *                            rank among the columns that are not dropped
 *   _acl, _acl_kind, _owner  optional: the object's ACL (aclitem[]), its kind
 *                            (table, sequence, function, schema, type, column,
 *                            stored = no default ACL) and owner; turned into
 *                            "privileges for <role>" attributes (privileges.h)
 *   anything else            an attribute named after the column; NULL values
 *                            are left out; booleans stay booleans, integers
 *                            numbers, everything else text
 * Names are quoted as quote_ident would, never OIDs; the queries run with
 * search_path pinned to pg_catalog, so the deparsers (pg_get_*def,
 * format_type) qualify every name outside pg_catalog the same way in every
 * database.
 */
#pragma once

#include "verify/verify_common.h" /* MG_SCOPE_SQL: the user schemas, limited to $1 */

/* Predicate: the object (catalog `cls`, OID expression `oid`) is not a member of an extension. */
#define MG_NOT_EXTENSION_MEMBER(cls, oid)                                                          \
    "NOT EXISTS (SELECT FROM pg_catalog.pg_depend ext_dep WHERE ext_dep.classid = '" cls           \
    "'::pg_catalog.regclass AND ext_dep.objid = " oid " AND ext_dep.deptype = 'e')"

/* A comment: pg_description of the object (catalog `cls`, OID expression `oid`, sub-id `sub`). */
#define MG_COMMENT_JOIN(alias, cls, oid, sub)                                                      \
    " LEFT JOIN pg_catalog.pg_description " alias " ON " alias ".classoid = '" cls                  \
    "'::pg_catalog.regclass AND " alias ".objoid = " oid " AND " alias ".objsubid = " sub " "

namespace mg {

struct ExportQuery {
    const char *family; /* for error messages */
    const char *sql;
};

/* export_relations.cpp: tables, views, materialized views, sequences; their columns */
extern const ExportQuery kRelationsQuery;
extern const ExportQuery kColumnsQuery;
/* export_relation_parts.cpp: constraints, indexes, triggers, rules, policies, statistics */
extern const ExportQuery kConstraintsQuery;
extern const ExportQuery kIndexesQuery;
extern const ExportQuery kTriggersQuery;
extern const ExportQuery kRulesQuery;
extern const ExportQuery kPoliciesQuery;
extern const ExportQuery kStatisticsQuery;
/* export_routines.cpp: functions, procedures, aggregates */
extern const ExportQuery kRoutinesQuery;
/* export_types.cpp: types, domains, collations */
extern const ExportQuery kTypesQuery;
extern const ExportQuery kCollationsQuery;
/* export_database.cpp: schemas, extensions, publications, default privileges, event triggers */
extern const ExportQuery kSchemasQuery;
extern const ExportQuery kExtensionsQuery;
extern const ExportQuery kPublicationsQuery;
extern const ExportQuery kPublicationTablesQuery;
extern const ExportQuery kPublicationSchemasQuery; /* sql is nullptr where PostgreSQL has none */
extern const ExportQuery kDefaultPrivilegesQuery;
extern const ExportQuery kEventTriggersQuery;

} // namespace mg
