/*
 * classify_utility.cpp — rules matched by utility (DDL) statements.
 *
 * Objects are resolved the way the statement itself will resolve them:
 * relations by name without taking a lock (the statement takes its own after
 * its permission checks), other objects through get_object_address() with the
 * AccessExclusiveLock that DROP takes anyway.  Objects that do not exist
 * match nothing: the statement reports them (or skips them with IF EXISTS).
 */
#include "common/bridge.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "common/ext_state.h"

extern "C" {
#include "catalog/heap.h"
#include "catalog/pg_inherits.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
}

namespace mg {

List *add_match(List *matches, Rule rule, char *object, Oid relid)
{
    Match *m = static_cast<Match *>(palloc(sizeof(Match)));
    m->rule = rule;
    m->object = object;
    m->relid = relid;
    return lappend(matches, m);
}

char *relation_identity(Oid relid)
{
    char *nsp = get_namespace_name(get_rel_namespace(relid));
    char *rel = get_rel_name(relid);
    return quote_qualified_identifier(nsp, rel ? rel : "?");
}

char *column_identity(Oid relid, const char *column)
{
    return psprintf("%s.%s", relation_identity(relid), quote_identifier(column));
}

namespace {

/* "function public.f(integer)", "schema s", "policy p on public.t", ... */
char *object_identity(const ObjectAddress &addr)
{
    char *ident = getObjectIdentity(&addr, true);
    char *type = getObjectTypeDescription(&addr, true);
    if (ident == nullptr || type == nullptr)
        return ident;
    return psprintf("%s %s", type, ident);
}

struct DropKind {
    bool known;          /* the statement's object type has a rule */
    Rule rule;           /* rule for the object itself */
    bool is_relation;    /* objects are relation names */
    const char *relkinds; /* relkinds the DROP accepts (relations only) */
};

DropKind drop_kind(ObjectType type)
{
    switch (type) {
    case OBJECT_TABLE:
        return {true, Rule::drop_table, true, "rp"};
    case OBJECT_FOREIGN_TABLE:
        return {true, Rule::drop_table, true, "f"};
    case OBJECT_MATVIEW:
        return {true, Rule::drop_table, true, "m"};
    case OBJECT_SEQUENCE:
        return {true, Rule::drop_sequence, true, "S"};
    case OBJECT_VIEW:
        return {true, Rule::drop_view, true, "v"};
    case OBJECT_INDEX:
        return {true, Rule::drop_index, true, "iI"};
    case OBJECT_SCHEMA:
        return {true, Rule::drop_schema, false, nullptr};
    case OBJECT_EXTENSION:
        return {true, Rule::drop_extension, false, nullptr};
    case OBJECT_FUNCTION:
    case OBJECT_PROCEDURE:
    case OBJECT_ROUTINE:
    case OBJECT_AGGREGATE:
        return {true, Rule::drop_function, false, nullptr};
    case OBJECT_TRIGGER:
        return {true, Rule::drop_trigger, false, nullptr};
    case OBJECT_POLICY:
        return {true, Rule::drop_policy, false, nullptr};
    default:
        return {false, Rule::drop_table, false, nullptr};
    }
}

List *classify_drop_relations(DropStmt *stmt, const DropKind &kind, List *out)
{
    bool cascade = stmt->behavior == DROP_CASCADE;
    ListCell *lc;
    foreach (lc, stmt->objects) {
        RangeVar *rv = makeRangeVarFromNameList(castNode(List, lfirst(lc)));
        Oid relid = RangeVarGetRelid(rv, NoLock, true);
        if (!OidIsValid(relid))
            continue;
        char relkind = get_rel_relkind(relid);
        if (strchr(kind.relkinds, relkind) == nullptr)
            continue; /* wrong object type: the DROP itself will say so */
        if (relation_is_exempt(relid))
            continue;
        char *ident = relation_identity(relid);
        if (is_protected_table(relid))
            out = add_match(out, Rule::guard_tamper, ident);
        out = add_match(out, kind.rule, ident);
        if (cascade)
            out = add_match(out, Rule::drop_cascade, ident);
    }
    return out;
}

List *classify_drop_objects(DropStmt *stmt, const DropKind &kind, List *out, LOCKMODE lookup_lock)
{
    bool cascade = stmt->behavior == DROP_CASCADE;
    bool event_trigger = stmt->removeType == OBJECT_EVENT_TRIGGER;
    if (!kind.known && !cascade && !event_trigger)
        return out; /* nothing to match: spare the lookups */

    const ExtState &ext = ext_state();
    ListCell *lc;
    foreach (lc, stmt->objects) {
        Relation rel = nullptr;
        ObjectAddress addr = get_object_address(stmt->removeType, static_cast<Node *>(lfirst(lc)),
                                                &rel, lookup_lock, true);
        Oid relid = InvalidOid;
        if (rel != nullptr) {
            relid = RelationGetRelid(rel);
            table_close(rel, NoLock);
        }
        if (!OidIsValid(addr.objectId))
            continue;
        bool exempt = OidIsValid(relid) ? relation_is_exempt(relid) : object_is_exempt(addr);
        if (exempt)
            continue;
        char *ident = object_identity(addr);
        if (ident == nullptr)
            continue;
        bool tamper = (stmt->removeType == OBJECT_EXTENSION && addr.objectId == ext.ext_oid) ||
                      (stmt->removeType == OBJECT_SCHEMA && addr.objectId == ext.schema_oid) ||
                      (event_trigger && is_own_event_trigger(addr.objectId));
        if (tamper)
            out = add_match(out, Rule::guard_tamper, ident);
        else if (kind.known)
            out = add_match(out, kind.rule, ident);
        if (cascade)
            out = add_match(out, Rule::drop_cascade, ident);
    }
    return out;
}

List *classify_drop(DropStmt *stmt, List *out, LOCKMODE lookup_lock)
{
    DropKind kind = drop_kind(stmt->removeType);
    if (kind.is_relation)
        return classify_drop_relations(stmt, kind, out);
    return classify_drop_objects(stmt, kind, out, lookup_lock);
}

List *classify_alter_table(AlterTableStmt *stmt, List *out)
{
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    if (!OidIsValid(relid))
        return out;
    List *found = NIL;
    if (is_protected_table(relid))
        found = add_match(found, Rule::guard_tamper, relation_identity(relid));
    ListCell *lc;
    foreach (lc, stmt->cmds) {
        AlterTableCmd *cmd = castNode(AlterTableCmd, lfirst(lc));
        switch (cmd->subtype) {
        case AT_DropColumn:
            if (get_attnum(relid, cmd->name) == InvalidAttrNumber)
                break; /* IF EXISTS on a missing column, or an error to come */
            found = add_match(found, Rule::drop_column, column_identity(relid, cmd->name));
            if (cmd->behavior == DROP_CASCADE)
                found = add_match(found, Rule::drop_cascade, column_identity(relid, cmd->name));
            break;
        case AT_AlterColumnType:
            if (get_attnum(relid, cmd->name) != InvalidAttrNumber)
                found = add_match(found, Rule::alter_column_type, column_identity(relid, cmd->name));
            break;
        case AT_DisableRowSecurity:
        case AT_NoForceRowSecurity:
            found = add_match(found, Rule::disable_rls, relation_identity(relid));
            break;
        case AT_DropConstraint:
            if (cmd->behavior == DROP_CASCADE)
                found = add_match(found, Rule::drop_cascade,
                                  psprintf("constraint %s on %s", quote_identifier(cmd->name),
                                           relation_identity(relid)));
            break;
        default:
            break;
        }
    }
    /* the exemption lookups run only when something matched */
    if (found == NIL || relation_is_exempt(relid))
        return out;
    return list_concat(out, found);
}

List *classify_truncate(TruncateStmt *stmt, List *out)
{
    ListCell *lc;
    foreach (lc, truncate_targets(stmt)) {
        Oid relid = lfirst_oid(lc);
        if (relation_is_exempt(relid))
            continue;
        char *ident = relation_identity(relid);
        if (is_protected_table(relid))
            out = add_match(out, Rule::guard_tamper, ident);
        out = add_match(out, Rule::truncate, ident);
    }
    return out;
}

bool is_relation_object(ObjectType type)
{
    return type == OBJECT_TABLE || type == OBJECT_FOREIGN_TABLE || type == OBJECT_MATVIEW ||
           type == OBJECT_VIEW;
}

List *classify_rename(RenameStmt *stmt, List *out)
{
    const ExtState &ext = ext_state();
    if (stmt->renameType == OBJECT_EVENT_TRIGGER || stmt->renameType == OBJECT_SCHEMA) {
        const char *name = renamed_object_name(stmt);
        if (name == nullptr)
            return out;
        bool schema = stmt->renameType == OBJECT_SCHEMA;
        ObjectAddress addr;
        addr.classId = schema ? NamespaceRelationId : EventTriggerRelationId;
        addr.objectId = schema ? get_namespace_oid(name, true) : get_event_trigger_oid(name, true);
        addr.objectSubId = 0;
        bool ours = schema ? (OidIsValid(addr.objectId) && addr.objectId == ext.schema_oid)
                           : is_own_event_trigger(addr.objectId);
        if (ours && !object_is_exempt(addr))
            out = add_match(out, Rule::guard_tamper,
                            psprintf("%s %s", schema ? "schema" : "event trigger", quote_identifier(name)));
        return out;
    }
    bool column = stmt->renameType == OBJECT_COLUMN;
    if (!column && !is_relation_object(stmt->renameType))
        return out;
    if (stmt->relation == nullptr)
        return out;
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    if (!OidIsValid(relid) || relation_is_exempt(relid))
        return out;
    if (column && get_attnum(relid, stmt->subname) == InvalidAttrNumber)
        return out;
    char *ident = column ? column_identity(relid, stmt->subname) : relation_identity(relid);
    if (is_protected_table(relid))
        out = add_match(out, Rule::guard_tamper, ident);
    return add_match(out, Rule::rename, ident);
}

bool names_this_extension(const char *extname)
{
    return strcmp(extname, "migrate_guard") == 0 && ext_state().present;
}

bool running_own_script()
{
    return creating_extension && CurrentExtensionObject == ext_state().ext_oid;
}

List *classify_alter_event_trigger(AlterEventTrigStmt *stmt, List *out)
{
    if (stmt->tgenabled == TRIGGER_FIRES_ALWAYS || running_own_script())
        return out;
    if (is_own_event_trigger(get_event_trigger_oid(stmt->trigname, true)))
        out = add_match(out, Rule::guard_tamper, psprintf("event trigger %s", quote_identifier(stmt->trigname)));
    return out;
}

List *classify_set_schema(AlterObjectSchemaStmt *stmt, List *out)
{
    if (stmt->relation == nullptr || !is_relation_object(stmt->objectType))
        return out;
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    if (OidIsValid(relid) && is_protected_table(relid) && !relation_is_exempt(relid))
        out = add_match(out, Rule::guard_tamper, relation_identity(relid));
    return out;
}

char *role_list_text(List *roles)
{
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfoString(&buf, "objects owned by ");
    ListCell *lc;
    foreach (lc, roles) {
        RoleSpec *spec = static_cast<RoleSpec *>(lfirst(lc));
        const char *name = spec->roletype == ROLESPEC_CSTRING ? spec->rolename
                                                              : get_rolespec_name(spec);
        appendStringInfo(&buf, "%s%s", lc == list_head(roles) ? "" : ", ", quote_identifier(name));
    }
    return buf.data;
}

} // namespace

List *truncate_targets(TruncateStmt *stmt)
{
    List *targets = NIL;
    ListCell *lc;
    foreach (lc, stmt->relations) {
        RangeVar *rv = castNode(RangeVar, lfirst(lc));
        Oid relid = RangeVarGetRelid(rv, NoLock, true);
        if (!OidIsValid(relid))
            continue; /* TRUNCATE itself reports the missing table */
        if (rv->inh)
            targets = list_concat_unique_oid(targets, find_all_inheritors(relid, NoLock, nullptr));
        else
            targets = list_append_unique_oid(targets, relid);
    }
    if (stmt->behavior == DROP_CASCADE) {
        /* follow foreign keys until no new table turns up, like TRUNCATE does */
        List *frontier = targets;
        while (frontier != NIL) {
            List *next = NIL;
            ListCell *fc;
            foreach (fc, heap_truncate_find_FKs(frontier))
                if (!list_member_oid(targets, lfirst_oid(fc))) {
                    Oid child = lfirst_oid(fc);
                    targets = lappend_oid(targets, child);
                    next = lappend_oid(next, child);
                }
            frontier = next;
        }
    }
    return targets;
}

const char *renamed_object_name(const RenameStmt *stmt)
{
    /* the grammar puts some names in subname, others (event triggers) in object */
    if (stmt->object != nullptr && IsA(stmt->object, String))
        return strVal(stmt->object);
    return stmt->subname;
}

bool utility_may_match(const Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_DropStmt:
    case T_DropdbStmt:
    case T_DropOwnedStmt:
    case T_AlterTableStmt:
    case T_TruncateStmt:
    case T_RenameStmt:
    case T_AlterExtensionContentsStmt:
    case T_AlterEventTrigStmt:
    case T_AlterObjectSchemaStmt:
        return true;
    default:
        return false;
    }
}

List *classify_utility(Node *stmt, LOCKMODE lookup_lock)
{
    List *out = NIL;
    switch (nodeTag(stmt)) {
    case T_DropStmt:
        return classify_drop(castNode(DropStmt, stmt), out, lookup_lock);
    case T_DropdbStmt: {
        DropdbStmt *d = castNode(DropdbStmt, stmt);
        if (OidIsValid(get_database_oid(d->dbname, true)))
            out = add_match(out, Rule::drop_database, pstrdup(quote_identifier(d->dbname)));
        return out;
    }
    case T_DropOwnedStmt: {
        DropOwnedStmt *d = castNode(DropOwnedStmt, stmt);
        char *what = role_list_text(d->roles);
        out = add_match(out, Rule::drop_owned, what);
        if (d->behavior == DROP_CASCADE)
            out = add_match(out, Rule::drop_cascade, what);
        return out;
    }
    case T_AlterTableStmt:
        return classify_alter_table(castNode(AlterTableStmt, stmt), out);
    case T_TruncateStmt:
        return classify_truncate(castNode(TruncateStmt, stmt), out);
    case T_RenameStmt:
        return classify_rename(castNode(RenameStmt, stmt), out);
    case T_AlterExtensionContentsStmt: {
        AlterExtensionContentsStmt *a = castNode(AlterExtensionContentsStmt, stmt);
        if (names_this_extension(a->extname) && !running_own_script())
            out = add_match(out, Rule::guard_tamper, pstrdup("extension migrate_guard"));
        return out;
    }
    case T_AlterEventTrigStmt:
        return classify_alter_event_trigger(castNode(AlterEventTrigStmt, stmt), out);
    case T_AlterObjectSchemaStmt:
        return classify_set_schema(castNode(AlterObjectSchemaStmt, stmt), out);
    default:
        return out;
    }
}

} // namespace mg
