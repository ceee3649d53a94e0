/*
 * export_database.cpp — schemas, and the database-wide objects: extensions,
 * publications (with their tables and schemas), default privileges and event
 * triggers.
 *
 * Extensions, publications and event triggers belong to no schema: they are
 * in every export, whatever its schemas argument; publication members and
 * default privileges of a schema follow the scope.  The extensions' own
 * objects are represented by the extension and its version (every family
 * leaves out extension members), so migrate_guard's event triggers are not
 * listed either.
 */
#include "common/bridge.h"
#include "schema/export_queries.h"

namespace mg {

const ExportQuery kSchemasQuery = {
    "schemas",
    "SELECT 'schema' AS type, pg_catalog.quote_ident(n.nspname) AS identity, "
    "       pg_catalog.pg_get_userbyid(n.nspowner) AS owner, "
    "       d.description AS comment, "
    "       n.nspacl AS _acl, 'schema' AS _acl_kind, n.nspowner AS _owner "
    "  FROM pg_catalog.pg_namespace n "
    MG_COMMENT_JOIN("d", "pg_catalog.pg_namespace", "n.oid", "0")
    " WHERE " MG_SCOPE_SQL
    "   AND " MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_namespace", "n.oid"),
};

const ExportQuery kExtensionsQuery = {
    "extensions",
    "SELECT 'extension' AS type, pg_catalog.quote_ident(e.extname) AS identity, "
    "       e.extversion AS version, n.nspname::text AS schema, "
    "       d.description AS comment "
    "  FROM pg_catalog.pg_extension e "
    "  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
    MG_COMMENT_JOIN("d", "pg_catalog.pg_extension", "e.oid", "0"),
};

const ExportQuery kPublicationsQuery = {
    "publications",
    "SELECT 'publication' AS type, pg_catalog.quote_ident(p.pubname) AS identity, "
    "       p.puballtables AS all_tables, "
    "       pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END, "
    "                            CASE WHEN p.pubupdate THEN 'update' END, "
    "                            CASE WHEN p.pubdelete THEN 'delete' END, "
    "                            CASE WHEN p.pubtruncate THEN 'truncate' END) AS publish, "
    "       p.pubviaroot AS via_root, "
    "       pg_catalog.pg_get_userbyid(p.pubowner) AS owner, "
    "       d.description AS comment "
    "  FROM pg_catalog.pg_publication p "
    MG_COMMENT_JOIN("d", "pg_catalog.pg_publication", "p.oid", "0"),
};

const ExportQuery kPublicationTablesQuery = {
    "publication tables",
    "SELECT 'publication table' AS type, "
    "       pg_catalog.format('%I.%I in publication %I', n.nspname, c.relname, p.pubname) AS identity, "
    "       " MG_SQL_PUBLICATION_ROW_FILTER " AS row_filter, "
    "       " MG_SQL_PUBLICATION_COLUMNS " AS columns "
    "  FROM pg_catalog.pg_publication_rel pr "
    "  JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid "
    "  JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid "
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    " WHERE " MG_SCOPE_SQL,
};

const ExportQuery kPublicationSchemasQuery = {
    "publication schemas",
#if MG_HAVE_PUBLICATION_SCHEMAS
    "SELECT 'publication schema' AS type, "
    "       pg_catalog.format('%I in publication %I', n.nspname, p.pubname) AS identity "
    "  FROM pg_catalog.pg_publication_namespace pn "
    "  JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid "
    "  JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid "
    " WHERE " MG_SCOPE_SQL,
#else
    nullptr,
#endif
};

const ExportQuery kDefaultPrivilegesQuery = {
    "default privileges",
    "SELECT 'default privileges' AS type, "
    "       pg_catalog.format('for role %I', pg_catalog.pg_get_userbyid(da.defaclrole)) "
    "       || CASE WHEN da.defaclnamespace <> 0 THEN pg_catalog.format(' in schema %I', n.nspname) ELSE '' END "
    "       || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' "
    "                          WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' END "
    "         AS identity, "
    "       "
    "       da.defaclacl AS _acl, 'stored' AS _acl_kind, da.defaclrole AS _owner "
    "  FROM pg_catalog.pg_default_acl da "
    "  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace "
    " WHERE da.defaclnamespace = 0 OR (" MG_SCOPE_SQL ")",
};

const ExportQuery kEventTriggersQuery = {
    "event triggers",
    "SELECT 'event trigger' AS type, pg_catalog.quote_ident(e.evtname) AS identity, "
    "       e.evtevent::text AS event, "
    "       CASE e.evtenabled WHEN 'O' THEN 'ENABLED' WHEN 'D' THEN 'DISABLED' WHEN 'R' THEN 'REPLICA' "
    "                         WHEN 'A' THEN 'ALWAYS' END AS enabled, "
    "       e.evtfoid::pg_catalog.regprocedure::text AS function, "
    "       (SELECT pg_catalog.string_agg(tag, ', ' ORDER BY tag COLLATE \"C\") "
    "          FROM pg_catalog.unnest(e.evttags) tag) AS tags, "
    "       pg_catalog.pg_get_userbyid(e.evtowner) AS owner, "
    "       d.description AS comment "
    "  FROM pg_catalog.pg_event_trigger e "
    MG_COMMENT_JOIN("d", "pg_catalog.pg_event_trigger", "e.oid", "0")
    " WHERE "
    MG_NOT_EXTENSION_MEMBER("pg_catalog.pg_event_trigger", "e.oid"),
};

} // namespace mg
