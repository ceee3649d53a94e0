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
#include "common/user_code.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"
#include "common/ext_state.h"

extern "C" {
#include "access/genam.h"
#include "access/relation.h"
#include "catalog/pg_proc.h"
#include "nodes/makefuncs.h"
#include "catalog/heap.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/tablecmds.h"
#include "commands/trigger.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "utils/fmgroids.h"
#include "utils/typcache.h"
}

namespace mg {

List *add_match(List *matches, Rule rule, char *object, Oid relid)
{
    Match *m = static_cast<Match *>(palloc(sizeof(Match)));
    m->rule = rule;
    m->object = object;
    m->relid = relid;
    m->detail = nullptr;
    m->unevaluated = nullptr;
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
        if (is_extension_relation(relid))
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

/* Would this ALTER TABLE command match a rule (so that the statement's lock is worth taking first)? */
bool alter_cmd_may_match(const AlterTableCmd *cmd)
{
    switch (cmd->subtype) {
    case AT_DropColumn:
    case AT_AlterColumnType:
    case AT_DisableRowSecurity:
    case AT_NoForceRowSecurity:
    case AT_SetUnLogged:
        return true;
    case AT_DropConstraint:
        return cmd->behavior == DROP_CASCADE;
    default:
        return false;
    }
}

/* Stand-alone tables typed by the composite type of relid (ALTER TYPE ... CASCADE reaches them). */
List *typed_tables_of(Oid relid, LOCKMODE lockmode)
{
    Oid type = get_rel_type_id(relid);
    if (!OidIsValid(type))
        return NIL;
    List *out = NIL;
    Relation depend = table_open(DependRelationId, AccessShareLock);
    ScanKeyData key[2];
    ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
    ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(type));
    SysScanDesc scan = systable_beginscan(depend, DependReferenceIndexId, true, nullptr, 2, key);
    HeapTuple tup;
    while (HeapTupleIsValid(tup = systable_getnext(scan))) {
        Form_pg_depend d = reinterpret_cast<Form_pg_depend>(GETSTRUCT(tup));
        if (d->classid != RelationRelationId || d->objsubid != 0)
            continue;
        HeapTuple rel = SearchSysCache1(RELOID, ObjectIdGetDatum(d->objid));
        if (!HeapTupleIsValid(rel))
            continue;
        Form_pg_class c = reinterpret_cast<Form_pg_class>(GETSTRUCT(rel));
        bool typed = c->reloftype == type && (c->relkind == RELKIND_RELATION || c->relkind == RELKIND_PARTITIONED_TABLE);
        ReleaseSysCache(rel);
        if (!typed)
            continue;
        if (lockmode != NoLock)
            LockRelationOid(d->objid, lockmode);
        out = list_append_unique_oid(out, d->objid);
    }
    systable_endscan(scan);
    table_close(depend, AccessShareLock);
    return out;
}

/*
 * The relations an ALTER COLUMN ... TYPE converts: the named one, its
 * inheritance children and partitions, and for a composite type its typed
 * tables (and theirs), as PostgreSQL recurses.
 */
List *column_type_targets(AlterTableStmt *stmt, Oid relid, LOCKMODE lockmode)
{
    List *targets = list_make1_oid(relid);
    for (int i = 0; i < list_length(targets); i++) {
        Oid rel = list_nth_oid(targets, i);
        if (get_rel_relkind(rel) == RELKIND_COMPOSITE_TYPE) {
            targets = list_concat_unique_oid(targets, typed_tables_of(rel, lockmode));
            continue;
        }
        bool recurse = rel != relid || stmt->relation == nullptr || stmt->relation->inh;
        if (recurse && get_rel_relkind(rel) != RELKIND_FOREIGN_TABLE)
            targets = list_concat_unique_oid(targets, find_all_inheritors(rel, lockmode, nullptr));
    }
    return targets;
}

List *classify_alter_table(AlterTableStmt *stmt, bool take_locks, List *out)
{
    bool may_match = false;
    ListCell *lc;
    foreach (lc, stmt->cmds)
        may_match |= alter_cmd_may_match(castNode(AlterTableCmd, lfirst(lc)));
    LOCKMODE lockmode = NoLock;
    Oid relid;
    if (take_locks && may_match) {
        /* the lookup, permission checks and lock the statement itself is about to do */
        lockmode = AlterTableGetLockLevel(stmt->cmds);
        relid = AlterTableLookupRelation(stmt, lockmode);
    } else {
        relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    }
    if (!OidIsValid(relid))
        return out;
    if (is_extension_relation(relid) && !running_own_extension_script())
        out = add_match(out, Rule::guard_tamper, relation_identity(relid), relid);
    if (!may_match)
        return out;
    bool exempt = relation_is_exempt(relid);
    foreach (lc, stmt->cmds) {
        AlterTableCmd *cmd = castNode(AlterTableCmd, lfirst(lc));
        switch (cmd->subtype) {
        case AT_DropColumn:
            if (exempt || get_attnum(relid, cmd->name) == InvalidAttrNumber)
                break; /* IF EXISTS on a missing column, or an error to come */
            out = add_match(out, Rule::drop_column, column_identity(relid, cmd->name), relid);
            if (cmd->behavior == DROP_CASCADE)
                out = add_match(out, Rule::drop_cascade, column_identity(relid, cmd->name), relid);
            break;
        case AT_AlterColumnType: {
            if (get_attnum(relid, cmd->name) == InvalidAttrNumber)
                break;
            ListCell *tc;
            foreach (tc, column_type_targets(stmt, relid, lockmode)) {
                Oid target = lfirst_oid(tc);
                if (relation_is_exempt(target) || !column_type_change_converts(target, cmd))
                    continue;
                out = add_match(out, Rule::alter_column_type, column_identity(target, cmd->name), target);
                break;
            }
            break;
        }
        case AT_DisableRowSecurity:
        case AT_NoForceRowSecurity:
            if (!exempt)
                out = add_match(out, Rule::disable_rls, relation_identity(relid), relid);
            break;
        case AT_SetUnLogged:
            if (!exempt && get_rel_persistence(relid) == RELPERSISTENCE_PERMANENT)
                out = add_match(out, Rule::set_unlogged, relation_identity(relid), relid);
            break;
        case AT_DropConstraint:
            if (!exempt && cmd->behavior == DROP_CASCADE)
                out = add_match(out, Rule::drop_cascade,
                                psprintf("constraint %s on %s", quote_identifier(cmd->name),
                                         relation_identity(relid)),
                                relid);
            break;
        default:
            break;
        }
    }
    return out;
}

/*
 * ALTER POLICY that replaces the USING or WITH CHECK expression or the roles:
 * the policy as it was is gone (drop_policy).  The policy is looked up the way
 * DROP POLICY's is (classify_drop_objects), with the same lock.
 */
List *classify_alter_policy(AlterPolicyStmt *stmt, List *out, LOCKMODE lookup_lock)
{
    if (stmt->qual == nullptr && stmt->with_check == nullptr && stmt->roles == NIL)
        return out;
    RangeVar *table = stmt->table;
    List *name = NIL;
    if (table->catalogname != nullptr)
        name = lappend(name, makeString(table->catalogname));
    if (table->schemaname != nullptr)
        name = lappend(name, makeString(table->schemaname));
    name = lappend(name, makeString(table->relname));
    name = lappend(name, makeString(stmt->policy_name));
    Relation rel = nullptr;
    ObjectAddress addr = get_object_address(OBJECT_POLICY, reinterpret_cast<Node *>(name), &rel, lookup_lock, true);
    Oid relid = InvalidOid;
    if (rel != nullptr) {
        relid = RelationGetRelid(rel);
        table_close(rel, NoLock);
    }
    if (!OidIsValid(addr.objectId) || !OidIsValid(relid) || relation_is_exempt(relid))
        return out;
    char *ident = object_identity(addr);
    if (ident == nullptr)
        return out;
    if (is_extension_relation(relid) && !running_own_extension_script())
        out = add_match(out, Rule::guard_tamper, ident, relid);
    out = add_match(out, Rule::drop_policy, ident, relid);
    const char *what = stmt->qual == nullptr && stmt->with_check == nullptr ? "roles"
                       : stmt->roles != NIL                                 ? "expressions and roles"
                                                                            : "expressions";
    static_cast<Match *>(llast(out))->detail =
        psprintf("ALTER POLICY replaces the %s of %s: the policy as it was is gone, and with it the rows it kept "
                 "roles from seeing or changing (a new expression or role list cannot be proven as strict).",
                 what, ident);
    return out;
}

/* GRANT/REVOKE: does it name one of the extension's objects (or its schema)? */
List *classify_grant(GrantStmt *stmt, List *out)
{
    if (running_own_extension_script())
        return out;
    const ExtState &ext = ext_state();
    ListCell *lc;
    foreach (lc, stmt->objects) {
        Node *obj = static_cast<Node *>(lfirst(lc));
        ObjectAddress addr = {InvalidOid, InvalidOid, 0};
        if (stmt->targtype == ACL_TARGET_ALL_IN_SCHEMA || stmt->objtype == OBJECT_SCHEMA) {
            if (IsA(obj, String))
                addr = ObjectAddress{NamespaceRelationId, get_namespace_oid(strVal(obj), true), 0};
        } else if (stmt->targtype != ACL_TARGET_OBJECT) {
            continue;
        } else if (IsA(obj, RangeVar)) {
            addr = ObjectAddress{RelationRelationId, RangeVarGetRelid(castNode(RangeVar, obj), NoLock, true), 0};
        } else if (IsA(obj, ObjectWithArgs)) {
            addr = ObjectAddress{ProcedureRelationId,
                                 LookupFuncWithArgs(stmt->objtype, castNode(ObjectWithArgs, obj), true), 0};
        } else if (IsA(obj, List) && (stmt->objtype == OBJECT_TYPE || stmt->objtype == OBJECT_DOMAIN)) {
            addr = ObjectAddress{TypeRelationId,
                                 LookupTypeNameOid(nullptr, makeTypeNameFromNameList(castNode(List, obj)), true), 0};
        }
        if (!OidIsValid(addr.objectId) || !ext.present)
            continue;
        bool ours = addr.classId == NamespaceRelationId ? addr.objectId == ext.schema_oid
                                                        : touches_extension(addr, false);
        if (ours)
            out = add_match(out, Rule::guard_tamper, describe_object(addr));
    }
    return out;
}

/* COMMENT ON / SECURITY LABEL ON one of the extension's objects. */
List *classify_annotation(ObjectType type, Node *object, List *out, LOCKMODE lock)
{
    if (object == nullptr || running_own_extension_script() || !ext_state().present)
        return out;
    Relation rel = nullptr;
    ObjectAddress addr = get_object_address(type, object, &rel, lock, true);
    if (rel != nullptr)
        relation_close(rel, NoLock);
    if (OidIsValid(addr.objectId) && touches_extension(addr, false))
        out = add_match(out, Rule::guard_tamper, describe_object(addr));
    return out;
}

/* CREATE/ALTER PUBLICATION naming one of the extension's tables or its schema. */
List *classify_publication(List *pubobjects, List *out)
{
    if (running_own_extension_script() || !ext_state().present)
        return out;
    ListCell *lc;
    foreach (lc, pubobjects) {
        PublicationObjSpec *spec = lfirst_node(PublicationObjSpec, lc);
        if (spec->pubobjtype == PUBLICATIONOBJ_TABLE && spec->pubtable != nullptr) {
            Oid relid = RangeVarGetRelid(spec->pubtable->relation, NoLock, true);
            if (OidIsValid(relid) && is_extension_relation(relid))
                out = add_match(out, Rule::guard_tamper, relation_identity(relid), relid);
        } else if (spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_SCHEMA && spec->name != nullptr &&
                   get_namespace_oid(spec->name, true) == ext_state().schema_oid) {
            out = add_match(out, Rule::guard_tamper, pstrdup("schema migrate_guard"));
        }
    }
    return out;
}

/* A direct write (COPY FROM, ALTER SEQUENCE) to one of the extension's relations. */
List *classify_relation_write(RangeVar *rv, bool ddl, List *out)
{
    if (rv == nullptr || running_own_extension_script())
        return out;
    Oid relid = RangeVarGetRelid(rv, NoLock, true);
    if (OidIsValid(relid) && (ddl ? is_extension_relation(relid) : is_protected_relation(relid)))
        out = add_match(out, Rule::guard_tamper, relation_identity(relid), relid);
    return out;
}

List *classify_truncate(TruncateStmt *stmt, List *out)
{
    ListCell *lc;
    foreach (lc, truncate_targets(stmt)) {
        Oid relid = lfirst_oid(lc);
        if (relation_is_exempt(relid))
            continue;
        char *ident = relation_identity(relid);
        if (is_protected_relation(relid))
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
    if (!column && !is_relation_object(stmt->renameType)) {
        /* ALTER SEQUENCE/INDEX ... RENAME of the extension's own */
        if (stmt->relation != nullptr && !running_own_extension_script()) {
            Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
            if (OidIsValid(relid) && is_extension_relation(relid))
                out = add_match(out, Rule::guard_tamper, relation_identity(relid));
        }
        return out;
    }
    if (stmt->relation == nullptr)
        return out;
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    if (!OidIsValid(relid) || relation_is_exempt(relid))
        return out;
    if (column && get_attnum(relid, stmt->subname) == InvalidAttrNumber)
        return out;
    char *ident = column ? column_identity(relid, stmt->subname) : relation_identity(relid);
    if (is_extension_relation(relid) && !running_own_extension_script())
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
    if (OidIsValid(relid) && is_extension_relation(relid) && !running_own_extension_script())
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
    case T_GrantStmt:
    case T_CommentStmt:
    case T_SecLabelStmt:
    case T_AlterSeqStmt:
    case T_AlterPolicyStmt:
    case T_CreatePublicationStmt:
    case T_AlterPublicationStmt:
        return true;
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->is_from;
    default:
        return false;
    }
}

bool conversion_keeps_values(Node *expr, AttrNumber attnum)
{
    for (;;) {
        if (expr == nullptr)
            return false;
        if (IsA(expr, Var))
            return castNode(Var, expr)->varattno == attnum;
        if (IsA(expr, RelabelType)) {
            expr = reinterpret_cast<Node *>(castNode(RelabelType, expr)->arg);
        } else if (IsA(expr, CoerceToDomain)) {
            CoerceToDomain *d = castNode(CoerceToDomain, expr);
            if (DomainHasConstraints(d->resulttype))
                return false; /* every value is checked: PostgreSQL rewrites */
            expr = reinterpret_cast<Node *>(d->arg);
        } else if (IsA(expr, FuncExpr)) {
            FuncExpr *f = castNode(FuncExpr, expr);
            bool tz = f->funcid == F_TIMESTAMPTZ_TIMESTAMP || f->funcid == F_TIMESTAMP_TIMESTAMPTZ;
            if (!tz || TimestampTimestampTzRequiresRewrite())
                return false;
            expr = static_cast<Node *>(linitial(f->args));
        } else {
            return false;
        }
    }
}

bool column_type_change_converts(Oid relid, const AlterTableCmd *cmd)
{
    const ColumnDef *def = castNode(ColumnDef, cmd->def);
    if (def->raw_default != nullptr || def->cooked_default != nullptr)
        return true; /* USING: the values are computed anew */
    char relkind = get_rel_relkind(relid);
    if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
        return false; /* no stored values (foreign tables, composite types) */
    HeapTuple att = SearchSysCacheAttName(relid, cmd->name);
    if (!HeapTupleIsValid(att))
        return false;
    Form_pg_attribute a = reinterpret_cast<Form_pg_attribute>(GETSTRUCT(att));
    Oid oldtype = a->atttypid;
    int32 oldtypmod = a->atttypmod;
    Oid oldcoll = a->attcollation;
    AttrNumber attnum = a->attnum;
    ReleaseSysCache(att);
    int32 newtypmod;
    Type type = LookupTypeName(nullptr, def->typeName, &newtypmod, true);
    if (type == nullptr)
        return false; /* PostgreSQL reports the unknown type */
    Oid newtype = typeTypeId(type);
    ReleaseSysCache(type);
    Node *var = reinterpret_cast<Node *>(makeVar(1, attnum, oldtype, oldtypmod, oldcoll, 0));
    Node *expr = coerce_to_target_type(nullptr, var, oldtype, newtype, newtypmod, COERCION_ASSIGNMENT,
                                       COERCE_IMPLICIT_CAST, -1);
    if (expr == nullptr)
        return false; /* no conversion: PostgreSQL reports the error */
    /* a migration review plans no code defined in the database: such a conversion converts */
    if (user_code_barrier_raised() && !only_builtin_functions(expr))
        return true;
    expr = reinterpret_cast<Node *>(expression_planner(reinterpret_cast<Expr *>(expr)));
    return !conversion_keeps_values(expr, attnum);
}

bool drop_rule_of(ObjectType type, Rule *rule)
{
    DropKind kind = drop_kind(type);
    if (kind.known)
        *rule = kind.rule;
    return kind.known;
}

List *classify_utility(Node *stmt, bool take_locks, LOCKMODE lookup_lock)
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
        return classify_alter_table(castNode(AlterTableStmt, stmt), take_locks, out);
    case T_GrantStmt:
        return classify_grant(castNode(GrantStmt, stmt), out);
    case T_CommentStmt:
        /* the lock COMMENT takes; a prediction (the migration review, AccessShareLock) takes no stronger one */
        return classify_annotation(castNode(CommentStmt, stmt)->objtype, castNode(CommentStmt, stmt)->object, out,
                                   lookup_lock == AccessShareLock ? AccessShareLock : ShareUpdateExclusiveLock);
    case T_SecLabelStmt:
        return classify_annotation(castNode(SecLabelStmt, stmt)->objtype, castNode(SecLabelStmt, stmt)->object, out,
                                   lookup_lock == AccessShareLock ? AccessShareLock : ShareUpdateExclusiveLock);
    case T_CopyStmt: {
        CopyStmt *c = castNode(CopyStmt, stmt);
        return c->is_from ? classify_relation_write(c->relation, false, out) : out;
    }
    case T_AlterSeqStmt:
        return classify_relation_write(castNode(AlterSeqStmt, stmt)->sequence, true, out);
    case T_CreatePublicationStmt:
        return classify_publication(castNode(CreatePublicationStmt, stmt)->pubobjects, out);
    case T_AlterPublicationStmt:
        return classify_publication(castNode(AlterPublicationStmt, stmt)->pubobjects, out);
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
    case T_AlterPolicyStmt:
        return classify_alter_policy(castNode(AlterPolicyStmt, stmt), out, lookup_lock);
    case T_AlterObjectSchemaStmt:
        return classify_set_schema(castNode(AlterObjectSchemaStmt, stmt), out);
    default:
        return out;
    }
}

} // namespace mg
