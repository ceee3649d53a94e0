/*
 * audit_utility.cpp — audit rows for the statements event triggers never
 * report: TRUNCATE, roles, databases, tablespaces, ALTER SYSTEM, event
 * triggers themselves, and GRANT/COMMENT on those shared objects.  Written by
 * the ProcessUtility hook just before the statement runs, in its transaction.
 */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/classify.h"

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
    default:
        return nullptr;
    }
}

void write_row(const char *tag, const char *type, const char *schema, const char *identity,
               const char *detail, const StatementFrame &frame)
{
    AuditRow row = {tag, type, schema, identity, "utility", detail};
    audit_write(row, &frame);
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

void audit_utility_statement(Node *stmt, const StatementFrame &frame)
{
    if (creating_extension)
        return; /* an extension's own script: the CREATE/ALTER EXTENSION row covers it */
    const char *tag = GetCommandTagName(CreateCommandTag(stmt));
    switch (nodeTag(stmt)) {
    case T_TruncateStmt:
        write_truncate(castNode(TruncateStmt, stmt), tag, frame);
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

} // namespace mg
