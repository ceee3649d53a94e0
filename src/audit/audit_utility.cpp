/*
 * audit_utility.cpp — audit rows for the statements event triggers never
 * report (PostgreSQL 15): TRUNCATE, roles, databases (REFRESH COLLATION
 * VERSION too), tablespaces, ALTER SYSTEM, event triggers themselves,
 * GRANT/COMMENT/SECURITY LABEL on those shared objects, GRANT/REVOKE ON
 * PARAMETER, REINDEX, CLUSTER, and EXPLAIN ANALYZE of CREATE TABLE AS.
 * Written by the ProcessUtility hook just before the statement runs, in its
 * transaction: a statement that fails takes its row with it, and one that
 * commits in transactions of its own (REINDEX CONCURRENTLY, REINDEX SCHEMA,
 * CLUSTER without a table, DETACH PARTITION CONCURRENTLY) commits the row
 * with its first step.  CREATE/DROP INDEX CONCURRENTLY get theirs when the
 * index is created or its drop starts (audit_concurrent.cpp).
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/classify.h"

extern "C" {
#include "commands/defrem.h"
}

namespace mg {
namespace {

const char *rolespec_text(RoleSpec *spec)
{
    if (spec == nullptr)
        return nullptr;
    if (spec->roletype == ROLESPEC_CSTRING)
        return spec->rolename;
    return get_rolespec_name(spec);
}

const char *shared_object_type(ObjectType type)
{
    switch (type) {
    case OBJECT_DATABASE:
        return "database";
    case OBJECT_ROLE:
        return "role";
    case OBJECT_TABLESPACE:
        return "tablespace";
    case OBJECT_EVENT_TRIGGER:
        return "event trigger";
#if MG_HAVE_PARAMETER_ACL
    case OBJECT_PARAMETER_ACL:
        return "parameter ACL";
#endif
    default:
        return nullptr;
    }
}

bool option_is_on(List *options, const char *name)
{
    ListCell *lc;
    foreach (lc, options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, name) == 0)
            return defGetBoolean(opt);
    }
    return false;
}

/* The relation a statement names, or InvalidOid (the statement reports it). */
Oid named_relation(RangeVar *rv)
{
    return rv ? RangeVarGetRelid(rv, NoLock, true) : InvalidOid;
}

const char *relation_schema(Oid relid)
{
    return get_namespace_name(get_rel_namespace(relid));
}

void write_row(const char *tag, const char *type, const char *schema, const char *identity,
               const char *detail, const StatementFrame &frame)
{
    AuditRow row = {tag, type, schema, identity, "utility", detail};
    audit_write(row, &frame);
}

/* Statements whose row is written here, before they run: event triggers add none. */
void write_logged_row(const char *tag, const char *type, const char *schema, const char *identity,
                      const char *detail, StatementFrame &frame)
{
    frame.audit = FrameAudit::logged;
    write_row(tag, type, schema, identity, detail, frame);
}

void write_reindex(ReindexStmt *stmt, const char *tag, StatementFrame &frame)
{
    const char *how = option_is_on(stmt->params, "concurrently") ? "CONCURRENTLY" : nullptr;
    switch (stmt->kind) {
    case REINDEX_OBJECT_INDEX:
    case REINDEX_OBJECT_TABLE: {
        Oid relid = named_relation(stmt->relation);
        if (OidIsValid(relid))
            write_logged_row(tag, stmt->kind == REINDEX_OBJECT_INDEX ? "index" : "table", relation_schema(relid),
                             relation_identity(relid), how, frame);
        return;
    }
    case REINDEX_OBJECT_SCHEMA:
        write_logged_row(tag, "schema", nullptr, stmt->name, how, frame);
        return;
    case REINDEX_OBJECT_SYSTEM:
    case REINDEX_OBJECT_DATABASE:
        write_logged_row(tag, "database", nullptr, stmt->name ? stmt->name : get_database_name(MyDatabaseId),
                         stmt->kind == REINDEX_OBJECT_SYSTEM ? (how ? "system catalogs, CONCURRENTLY" : "system catalogs")
                                                             : how,
                         frame);
        return;
    }
}

void write_cluster(ClusterStmt *stmt, const char *tag, StatementFrame &frame)
{
    if (stmt->relation == nullptr) {
        write_logged_row(tag, "database", nullptr, get_database_name(MyDatabaseId),
                         "every table clustered before", frame);
        return;
    }
    Oid relid = named_relation(stmt->relation);
    if (OidIsValid(relid))
        write_logged_row(tag, "table", relation_schema(relid), relation_identity(relid),
                         stmt->indexname ? psprintf("using index %s", quote_identifier(stmt->indexname)) : nullptr,
                         frame);
}

/* ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY commits its first step on its own */
void write_detach_concurrently(AlterTableStmt *stmt, const char *tag, StatementFrame &frame)
{
    ListCell *lc;
    foreach (lc, stmt->cmds) {
        AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
        if (cmd->subtype != AT_DetachPartition || cmd->def == nullptr)
            continue;
        PartitionCmd *part = castNode(PartitionCmd, cmd->def);
        Oid relid = named_relation(stmt->relation);
        if (!part->concurrent || !OidIsValid(relid))
            continue;
        write_logged_row(tag, "table", relation_schema(relid), relation_identity(relid),
                         psprintf("DETACH PARTITION %s CONCURRENTLY",
                                  quote_qualified_identifier(part->name->schemaname, part->name->relname)),
                         frame);
        return;
    }
}

/* EXPLAIN ANALYZE CREATE TABLE AS / SELECT INTO / CREATE MATERIALIZED VIEW creates a relation */
void write_explain_analyze_ctas(ExplainStmt *stmt, StatementFrame &frame)
{
    if (!option_is_on(stmt->options, "analyze") || stmt->query == nullptr || !IsA(stmt->query, Query))
        return;
    Query *query = castNode(Query, stmt->query);
    if (query->commandType != CMD_UTILITY || query->utilityStmt == nullptr ||
        !IsA(query->utilityStmt, CreateTableAsStmt))
        return;
    CreateTableAsStmt *ctas = castNode(CreateTableAsStmt, query->utilityStmt);
    RangeVar *rv = ctas->into->rel;
    if (ctas->if_not_exists && OidIsValid(named_relation(rv)))
        return; /* it exists: nothing is created */
    const char *schema = rv->schemaname;
    if (schema == nullptr)
        schema = get_namespace_name(RangeVarGetCreationNamespace(rv));
    bool matview = ctas->objtype == OBJECT_MATVIEW;
    write_logged_row(matview ? "CREATE MATERIALIZED VIEW" : "CREATE TABLE AS", matview ? "materialized view" : "table",
                     schema, quote_qualified_identifier(schema, rv->relname), "run by EXPLAIN ANALYZE", frame);
}

void write_truncate(TruncateStmt *stmt, const char *tag, const StatementFrame &frame)
{
    ListCell *lc;
    foreach (lc, truncate_targets(stmt)) {
        Oid relid = lfirst_oid(lc);
        write_row(tag, "table", get_namespace_name(get_rel_namespace(relid)), relation_identity(relid),
                  nullptr, frame);
    }
}

} // namespace

void audit_utility_statement(Node *stmt, StatementFrame &frame)
{
    if (creating_extension)
        return; /* an extension's own script: the CREATE/ALTER EXTENSION row covers it */
    const char *tag = GetCommandTagName(CreateCommandTag(stmt));
    switch (nodeTag(stmt)) {
    case T_IndexStmt:
        if (castNode(IndexStmt, stmt)->concurrent)
            frame.audit = FrameAudit::await_index_create;
        return;
    case T_ReindexStmt:
        write_reindex(castNode(ReindexStmt, stmt), tag, frame);
        return;
    case T_ClusterStmt:
        write_cluster(castNode(ClusterStmt, stmt), tag, frame);
        return;
    case T_AlterTableStmt:
        write_detach_concurrently(castNode(AlterTableStmt, stmt), tag, frame);
        return;
    case T_ExplainStmt:
        write_explain_analyze_ctas(castNode(ExplainStmt, stmt), frame);
        return;
#if MG_HAVE_DB_REFRESH_COLLATION
    case T_AlterDatabaseRefreshCollStmt:
        write_row(tag, "database", nullptr, castNode(AlterDatabaseRefreshCollStmt, stmt)->dbname,
                  "REFRESH COLLATION VERSION", frame);
        return;
#endif
    case T_SecLabelStmt: {
        SecLabelStmt *s = castNode(SecLabelStmt, stmt);
        const char *type = shared_object_type(s->objtype);
        if (type != nullptr && s->object != nullptr && IsA(s->object, String))
            write_row(tag, type, nullptr, strVal(s->object),
                      s->provider ? psprintf("provider %s", s->provider) : nullptr, frame);
        return;
    }
    case T_TruncateStmt:
        write_truncate(castNode(TruncateStmt, stmt), tag, frame);
        return;
    case T_DefineStmt:
        /* its collation is reported by the event triggers; a function's are not (audit_function_writes.cpp) */
        frame.defines_collation = castNode(DefineStmt, stmt)->kind == OBJECT_COLLATION;
        return;
    case T_CreateRoleStmt:
        write_row(tag, "role", nullptr, castNode(CreateRoleStmt, stmt)->role, nullptr, frame);
        return;
    case T_AlterRoleStmt:
        write_row(tag, "role", nullptr, rolespec_text(castNode(AlterRoleStmt, stmt)->role), nullptr, frame);
        return;
    case T_AlterRoleSetStmt: {
        AlterRoleSetStmt *s = castNode(AlterRoleSetStmt, stmt);
        write_row(tag, "role", nullptr, s->role ? rolespec_text(s->role) : "ALL",
                  s->database ? psprintf("in database %s", s->database) : nullptr, frame);
        return;
    }
    case T_DropRoleStmt: {
        ListCell *lc;
        foreach (lc, castNode(DropRoleStmt, stmt)->roles)
            write_row(tag, "role", nullptr, rolespec_text(static_cast<RoleSpec *>(lfirst(lc))), nullptr, frame);
        return;
    }
    case T_GrantRoleStmt: {
        GrantRoleStmt *s = castNode(GrantRoleStmt, stmt);
        ListCell *lc;
        foreach (lc, s->granted_roles)
            write_row(tag, "role", nullptr, static_cast<AccessPriv *>(lfirst(lc))->priv_name, nullptr, frame);
        return;
    }
    case T_ReassignOwnedStmt:
        write_row(tag, "role", nullptr, nullptr,
                  psprintf("to %s", rolespec_text(castNode(ReassignOwnedStmt, stmt)->newrole)), frame);
        return;
    case T_CreatedbStmt:
        write_row(tag, "database", nullptr, castNode(CreatedbStmt, stmt)->dbname, nullptr, frame);
        return;
    case T_AlterDatabaseStmt:
        write_row(tag, "database", nullptr, castNode(AlterDatabaseStmt, stmt)->dbname, nullptr, frame);
        return;
    case T_AlterDatabaseSetStmt:
        write_row(tag, "database", nullptr, castNode(AlterDatabaseSetStmt, stmt)->dbname, nullptr, frame);
        return;
    case T_DropdbStmt:
        write_row(tag, "database", nullptr, castNode(DropdbStmt, stmt)->dbname, nullptr, frame);
        return;
    case T_CreateTableSpaceStmt:
        write_row(tag, "tablespace", nullptr, castNode(CreateTableSpaceStmt, stmt)->tablespacename, nullptr, frame);
        return;
    case T_AlterTableSpaceOptionsStmt:
        write_row(tag, "tablespace", nullptr, castNode(AlterTableSpaceOptionsStmt, stmt)->tablespacename,
                  nullptr, frame);
        return;
    case T_DropTableSpaceStmt:
        write_row(tag, "tablespace", nullptr, castNode(DropTableSpaceStmt, stmt)->tablespacename, nullptr, frame);
        return;
    case T_AlterSystemStmt: {
        VariableSetStmt *set = castNode(AlterSystemStmt, stmt)->setstmt;
        write_row(tag, "configuration", nullptr, set->name ? set->name : "ALL", nullptr, frame);
        return;
    }
    case T_CreateEventTrigStmt:
        write_row(tag, "event trigger", nullptr, castNode(CreateEventTrigStmt, stmt)->trigname, nullptr, frame);
        return;
    case T_AlterEventTrigStmt:
        write_row(tag, "event trigger", nullptr, castNode(AlterEventTrigStmt, stmt)->trigname, nullptr, frame);
        return;
    case T_DropStmt: {
        DropStmt *s = castNode(DropStmt, stmt);
        if (s->removeType == OBJECT_INDEX && s->concurrent)
            frame.audit = FrameAudit::await_index_drop;
        if (s->removeType != OBJECT_EVENT_TRIGGER)
            return;
        ListCell *lc;
        foreach (lc, s->objects)
            write_row(tag, "event trigger", nullptr, strVal(lfirst(lc)), nullptr, frame);
        return;
    }
    case T_RenameStmt: {
        RenameStmt *s = castNode(RenameStmt, stmt);
        const char *type = shared_object_type(s->renameType);
        if (type != nullptr)
            write_row(tag, type, nullptr, renamed_object_name(s), psprintf("renamed to %s", s->newname), frame);
        return;
    }
    case T_AlterOwnerStmt: {
        AlterOwnerStmt *s = castNode(AlterOwnerStmt, stmt);
        const char *type = shared_object_type(s->objectType);
        if (type != nullptr && s->object != nullptr && IsA(s->object, String))
            write_row(tag, type, nullptr, strVal(s->object), psprintf("owner %s", rolespec_text(s->newowner)), frame);
        return;
    }
    case T_GrantStmt: {
        GrantStmt *s = castNode(GrantStmt, stmt);
        const char *type = shared_object_type(s->objtype);
        if (type == nullptr)
            return;
        ListCell *lc;
        foreach (lc, s->objects)
            if (IsA(lfirst(lc), String))
                write_row(tag, type, nullptr, strVal(lfirst(lc)), nullptr, frame);
        return;
    }
    case T_CommentStmt: {
        CommentStmt *s = castNode(CommentStmt, stmt);
        const char *type = shared_object_type(s->objtype);
        if (type != nullptr && s->object != nullptr && IsA(s->object, String))
            write_row(tag, type, nullptr, strVal(s->object), nullptr, frame);
        return;
    }
    default:
        return;
    }
}

void audit_utility_done(Node *stmt, const StatementFrame &frame)
{
    if (!IsA(stmt, CreateExtensionStmt) || strcmp(castNode(CreateExtensionStmt, stmt)->extname, "migrate_guard") != 0)
        return;
    /* its event triggers did not exist yet when the statement started: they did not log it */
    if (audit_enabled() && !running_internal_sql() && !creating_extension) {
        AuditRow row = {"CREATE EXTENSION", "extension", nullptr, "migrate_guard", "utility", nullptr};
        audit_write(row, &frame);
    }
}

} // namespace mg
