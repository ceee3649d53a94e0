/* object_access.cpp — see object_access.h. */
#include "common/bridge.h"
#include "audit/audit.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"
#include "guard/object_access.h"
#include "guard/rls_exposure.h"
#include "guard/scope.h"
#include "guard/verdict.h"

extern "C" {
#include "catalog/pg_attrdef.h"
#include "catalog/pg_database.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
}

namespace mg {
namespace {

/* The rule for removing one object of this kind (false: no rule of its own). */
bool drop_rule_for(const ObjectAddress &addr, Rule *rule)
{
    switch (addr.classId) {
    case RelationRelationId: {
        char relkind = get_rel_relkind(addr.objectId);
        if (addr.objectSubId != 0) {
            *rule = Rule::drop_column;
            return strchr("rpfmc", relkind) != nullptr;
        }
        switch (relkind) {
        case RELKIND_RELATION:
        case RELKIND_PARTITIONED_TABLE:
        case RELKIND_MATVIEW:
        case RELKIND_FOREIGN_TABLE:
            *rule = Rule::drop_table;
            return true;
        case RELKIND_SEQUENCE:
            *rule = Rule::drop_sequence;
            return true;
        case RELKIND_VIEW:
            *rule = Rule::drop_view;
            return true;
        case RELKIND_INDEX:
        case RELKIND_PARTITIONED_INDEX:
            *rule = Rule::drop_index;
            return true;
        default:
            return false;
        }
    }
    case NamespaceRelationId:
        *rule = Rule::drop_schema;
        return true;
    case ExtensionRelationId:
        *rule = Rule::drop_extension;
        return true;
    case ProcedureRelationId:
        *rule = Rule::drop_function;
        return true;
    case TriggerRelationId:
        *rule = Rule::drop_trigger;
        return true;
    case PolicyRelationId:
        *rule = Rule::drop_policy;
        return true;
    case DatabaseRelationId:
        *rule = Rule::drop_database;
        return true;
    default:
        return false;
    }
}

/* A relation that is gone was judged when it went: what hung on it goes with it. */
bool relation_exempt_or_gone(Oid relid)
{
    return get_rel_relkind(relid) == '\0' || relation_is_exempt(relid);
}

/* Exempt as an object of its own: temporary, new relation, extension script member. */
bool exempt_at_effect(const ObjectAddress &addr)
{
    if (addr.classId == RelationRelationId)
        return relation_exempt_or_gone(addr.objectId);
    Oid rel = owning_relation(addr, false);
    if (OidIsValid(rel))
        return relation_exempt_or_gone(rel);
    if (addr.classId == TypeRelationId) {
        /* a relation's row type, or the implicit array type of a type, goes with it */
        Oid typrelid = get_typ_typrelid(addr.objectId);
        if (OidIsValid(typrelid))
            return relation_exempt_or_gone(typrelid);
        Oid elem = get_element_type(addr.objectId);
        if (OidIsValid(elem) && get_array_type(elem) == addr.objectId) {
            ObjectAddress e = {TypeRelationId, elem, 0};
            return exempt_at_effect(e);
        }
    }
    return object_is_exempt(addr);
}

/* judge() within the current statement; a warn-mode WARNING only once per statement. */
void judge_in_scope(UtilityScope *scope, List *matches)
{
    if (matches == NIL)
        return;
    const char *source = scope ? scope->source : debug_query_string;
    int location = scope ? scope->location : -1;
    int length = scope ? scope->length : 0;
    Verdict v = judge(matches, source, location, length, scope != nullptr && scope->warned);
    if (scope && v.warned)
        scope->warned = true;
    if (v.matched)
        note_statement_verdict(v); /* the audit rows of the statement name the rule */
}

/*
 * The relation a dropped object is a part of (its trigger, constraint, rule,
 * policy, default, index, row type), or InvalidOid for an object of its own.
 * An index named by DROP INDEX is an object of its own.
 */
Oid part_owner(const UtilityScope *scope, const ObjectAddress &addr)
{
    if (addr.classId == RelationRelationId) {
        if (addr.objectSubId != 0 || get_rel_relkind(addr.objectId) != RELKIND_INDEX)
            return InvalidOid;
        if (IsA(scope->stmt, DropStmt) && castNode(DropStmt, scope->stmt)->removeType == OBJECT_INDEX)
            return InvalidOid;
        HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(addr.objectId));
        if (!HeapTupleIsValid(tup))
            return InvalidOid;
        Oid heap = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup))->indrelid;
        ReleaseSysCache(tup);
        return heap;
    }
    if (addr.classId == TypeRelationId) {
        Oid type = addr.objectId;
        Oid elem = get_element_type(type);
        if (OidIsValid(elem) && get_array_type(elem) == type)
            type = elem; /* the implicit array type goes with its element type */
        return get_typ_typrelid(type);
    }
    return owning_relation(addr, false);
}

/*
 * PostgreSQL drops some objects as an internal step of another statement
 * (PERFORM_DELETION_INTERNAL, which also keeps them out of the sql_drop event
 * trigger): a rewrite's transient heap, the indexes and constraints ALTER
 * COLUMN ... TYPE rebuilds, REINDEX CONCURRENTLY's old index, a column default
 * being replaced, a detached partition's cloned triggers, ON COMMIT DROP and
 * the cleanup of temporary schemas — all rebuilt by the same statement or
 * temporary.  One carries state of its own: the identity sequence (and its
 * current value) that ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY drops.
 * An internal deletion of a sequence is judged as what it is.
 */
bool internal_drop_loses_state(const ObjectAddress &addr)
{
    return addr.classId == RelationRelationId && addr.objectSubId == 0 &&
           get_rel_relkind(addr.objectId) == RELKIND_SEQUENCE;
}

/* The audit row the sql_drop event trigger does not write for an internal deletion. */
void log_internal_drop(UtilityScope *scope, const ObjectAddress &addr)
{
    if (!audit_enabled() || creating_extension || current_statement_logged())
        return;
    char *identity = getObjectIdentity(&addr, true);
    if (identity == nullptr)
        return;
    AuditRow row = {GetCommandTagName(CreateCommandTag(scope->stmt)), getObjectTypeDescription(&addr, true),
                    get_namespace_name(get_rel_namespace(addr.objectId)), identity, "sql_drop",
                    "dropped with the identity of its column"};
    audit_write(row);
}

void judge_drop(UtilityScope *scope, const ObjectAddress &addr)
{
    List *matches = NIL;
    if (!running_own_extension_script() && touches_extension(addr, false)) {
        matches = add_match(matches, Rule::guard_tamper, describe_object(addr));
        judge_in_scope(scope, matches);
        return;
    }
    if (addr.classId == RelationRelationId && get_rel_namespace(addr.objectId) == PG_TOAST_NAMESPACE)
        return; /* a TOAST table goes with its table, which is judged */
    Oid owner = part_owner(scope, addr);
    if (OidIsValid(owner) ? relation_exempt_or_gone(owner) : exempt_at_effect(addr))
        return;
    Rule rule;
    bool has_rule = drop_rule_for(addr, &rule);
    if (!has_rule && !scope->cascade)
        return;
    char *ident = describe_object(addr);
    Oid relid = addr.classId == RelationRelationId ? addr.objectId : InvalidOid;
    if (has_rule)
        matches = add_match(matches, rule, ident, relid);
    if (scope->cascade)
        matches = add_match(matches, Rule::drop_cascade, ident, relid);
    if (OidIsValid(owner)) {
        add_pending_part(owner, matches);
        return;
    }
    if (relid != InvalidOid && addr.objectSubId == 0)
        forget_pending_parts(relid);
    judge_in_scope(scope, matches);
}

void on_drop(UtilityScope *scope, const ObjectAddress &addr, int dropflags)
{
    bool internal = (dropflags & PERFORM_DELETION_INTERNAL) != 0;
    if (internal && !internal_drop_loses_state(addr))
        return;
    judge_drop(scope, addr);
    if (internal)
        log_internal_drop(scope, addr);
}

void on_truncate(UtilityScope *scope, Oid relid)
{
    List *matches = NIL;
    if (is_protected_relation(relid))
        matches = add_match(matches, Rule::guard_tamper, relation_identity(relid), relid);
    else if (relation_is_exempt(relid))
        return;
    matches = add_match(matches, Rule::truncate, relation_identity(relid), relid);
    judge_in_scope(scope, matches);
}

/*
 * Statements that change migrate_guard's objects and stay allowed: CREATE and
 * ALTER EXTENSION migrate_guard (UPDATE), and re-enabling one of its event
 * triggers ALWAYS (the state its install script leaves them in).
 */
bool sanctioned_change(const Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_CreateExtensionStmt:
        return strcmp(castNode(CreateExtensionStmt, stmt)->extname, "migrate_guard") == 0;
    case T_AlterExtensionStmt:
        return strcmp(castNode(AlterExtensionStmt, stmt)->extname, "migrate_guard") == 0;
    case T_AlterEventTrigStmt:
        return castNode(AlterEventTrigStmt, stmt)->tgenabled == TRIGGER_FIRES_ALWAYS;
    default:
        return false;
    }
}

void on_create_or_alter(UtilityScope *scope, const ObjectAddress &addr, Oid auxiliary_id, bool created)
{
    if (running_own_extension_script() || sanctioned_change(scope->stmt))
        return;
    /* a column default is reported as (pg_attrdef, its relation, its column) */
    ObjectAddress judged = addr.classId == AttrDefaultRelationId && addr.objectSubId != 0
                               ? ObjectAddress{RelationRelationId, addr.objectId, addr.objectSubId}
                               : addr;
    /* a relation's row type is created just before the relation, which is judged */
    bool row_type = addr.classId == TypeRelationId && is_relation_row_type(addr.objectId);
    if (!row_type && touches_extension(judged, true, auxiliary_id)) {
        /* make the new object visible, so that the refusal can name it */
        CommandCounterIncrement();
        ObjectAddress named = judged;
        if (addr.classId == InheritsRelationId)
            named = ObjectAddress{RelationRelationId, OidIsValid(auxiliary_id) && is_extension_relation(auxiliary_id)
                                                          ? auxiliary_id : addr.objectId, 0};
        judge_in_scope(scope, add_match(NIL, Rule::guard_tamper, describe_object(named)));
    }
    /* row-level security weakened by a new policy or a new parent (rls_exposure.h) */
    if (addr.classId == PolicyRelationId && created)
        judge_in_scope(scope, weak_policy_matches(addr.objectId));
    else if (addr.classId == InheritsRelationId)
        judge_in_scope(scope, exposing_parent_matches(addr.objectId, auxiliary_id));
    ObjectAddress touched = addr;
    if (addr.classId == InheritsRelationId)
        touched = ObjectAddress{RelationRelationId, addr.objectId, 0};
    note_touched(touched);
}

} // namespace

void on_object_access(ObjectAccessType access, Oid classId, Oid objectId, int subId, void *arg)
{
    if (access != OAT_DROP && access != OAT_TRUNCATE && access != OAT_POST_CREATE && access != OAT_POST_ALTER)
        return;
    UtilityScope *scope = current_scope();
    if (scope == nullptr || running_internal_sql())
        return; /* no user statement is running (autovacuum, the library's own SQL, ...) */
    ObjectAddress addr = {classId, objectId, subId};
    switch (access) {
    case OAT_DROP:
        on_drop(scope, addr, arg ? static_cast<ObjectAccessDrop *>(arg)->dropflags : 0);
        break;
    case OAT_TRUNCATE:
        on_truncate(scope, objectId);
        break;
    case OAT_POST_CREATE:
        if (arg == nullptr || !static_cast<ObjectAccessPostCreate *>(arg)->is_internal)
            on_create_or_alter(scope, addr, InvalidOid, true);
        break;
    case OAT_POST_ALTER: {
        ObjectAccessPostAlter *pa = static_cast<ObjectAccessPostAlter *>(arg);
        if (pa == nullptr || !pa->is_internal)
            on_create_or_alter(scope, addr, pa ? pa->auxiliary_id : InvalidOid, false);
        break;
    }
    default:
        break;
    }
}

} // namespace mg
