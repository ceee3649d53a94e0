/* user_code.cpp — see user_code.h. */
#include "common/bridge.h"
#include "common/user_code.h"

extern "C" {
#include "access/genam.h"
#include "access/transam.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "utils/fmgroids.h"
}

namespace mg {
namespace {

int g_barrier = 0; /* depth: reviews raise it, their end lowers it */
needs_fmgr_hook_type prev_needs_fmgr = nullptr;
fmgr_hook_type prev_fmgr = nullptr;

/* Built-in functions whose evaluation does more than compute a value. */
bool has_effects(Oid funcid)
{
    switch (funcid) {
    case F_PG_CURRENT_XACT_ID: /* assign a transaction ID */
    case F_TXID_CURRENT:
    case F_TABLE_TO_XML: /* run queries */
    case F_TABLE_TO_XMLSCHEMA:
    case F_TABLE_TO_XML_AND_XMLSCHEMA:
    case F_SCHEMA_TO_XML:
    case F_SCHEMA_TO_XMLSCHEMA:
    case F_SCHEMA_TO_XML_AND_XMLSCHEMA:
    case F_DATABASE_TO_XML:
    case F_DATABASE_TO_XMLSCHEMA:
    case F_DATABASE_TO_XML_AND_XMLSCHEMA:
        return true;
    default:
        return false;
    }
}

bool not_builtin(Oid funcid, void *context)
{
    if (is_builtin_function(funcid))
        return false;
    if (context != nullptr)
        *static_cast<Oid *>(context) = funcid;
    return true;
}

bool user_function_walker(Node *node, void *context);

/*
 * Calls fn(check expression) for each CHECK constraint of domain typid and of
 * the domains under it, read from pg_constraint (not through the type cache,
 * which plans the expressions when it loads them); stops when fn says so.
 * NOT NULL of a domain counts as a constraint with no expression.
 */
template <typename Fn>
bool any_domain_constraint(Oid typid, Fn &&fn)
{
    for (int depth = 0; depth < 100; depth++) {
        HeapTuple tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
        if (!HeapTupleIsValid(tup))
            return false;
        Form_pg_type t = reinterpret_cast<Form_pg_type>(GETSTRUCT(tup));
        bool is_domain = t->typtype == TYPTYPE_DOMAIN;
        bool not_null = t->typnotnull;
        Oid base = t->typbasetype;
        ReleaseSysCache(tup);
        if (!is_domain)
            return false;
        if (not_null && fn(nullptr))
            return true;
        Relation con = table_open(ConstraintRelationId, AccessShareLock);
        ScanKeyData key;
        ScanKeyInit(&key, Anum_pg_constraint_contypid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(typid));
        SysScanDesc scan = systable_beginscan(con, ConstraintTypidIndexId, true, nullptr, 1, &key);
        bool found = false;
        HeapTuple ct;
        while (!found && HeapTupleIsValid(ct = systable_getnext(scan))) {
            if (reinterpret_cast<Form_pg_constraint>(GETSTRUCT(ct))->contype != CONSTRAINT_CHECK)
                continue;
            bool isnull;
            Datum bin = heap_getattr(ct, Anum_pg_constraint_conbin, RelationGetDescr(con), &isnull);
            found = !isnull && fn(static_cast<Node *>(stringToNode(TextDatumGetCString(bin))));
        }
        systable_endscan(scan);
        table_close(con, AccessShareLock);
        if (found)
            return true;
        typid = base;
    }
    return false;
}

/* The node itself (not its arguments) calls something not built in; context receives the function. */
bool node_calls_non_builtin(Node *node, void *context)
{
    if (check_functions_in_node(node, not_builtin, context))
        return true;
    /* the planner loads a domain's CHECK expressions (and plans them) when it meets a coercion to it */
    return IsA(node, CoerceToDomain) &&
           any_domain_constraint(castNode(CoerceToDomain, node)->resulttype,
                                 [&](Node *check) { return check != nullptr && user_function_walker(check, context); });
}

bool user_function_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), MG_WALKER(user_function_walker), context, 0);
    if (node_calls_non_builtin(node, context))
        return true;
    return expression_tree_walker(node, MG_WALKER(user_function_walker), context);
}

bool is_volatile(Oid funcid, void *context)
{
    if (func_volatile(funcid) != PROVOLATILE_VOLATILE)
        return false;
    if (context != nullptr)
        *static_cast<Oid *>(context) = funcid;
    return true;
}

/* Like user_function_walker, for volatile functions (built in or not). */
bool volatile_function_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), MG_WALKER(volatile_function_walker), context, 0);
    if (check_functions_in_node(node, is_volatile, context))
        return true;
    if (IsA(node, CoerceToDomain) &&
        any_domain_constraint(castNode(CoerceToDomain, node)->resulttype,
                              [&](Node *check) { return check != nullptr && volatile_function_walker(check, context); }))
        return true;
    return expression_tree_walker(node, MG_WALKER(volatile_function_walker), context);
}

/* Code a user defined in the database: SQL or a procedural language, not C or an internal alias. */
bool is_user_code(Oid funcid)
{
    if (funcid < FirstNormalObjectId)
        return false;
    HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
    if (!HeapTupleIsValid(tup))
        return false; /* fmgr reports the missing function */
    Oid lang = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup))->prolang;
    ReleaseSysCache(tup);
    return lang != ClanguageId && lang != INTERNALlanguageId;
}

bool barrier_needs_fmgr_hook(Oid fn_oid)
{
    return guarded("needs_fmgr_hook", [&] {
        if (prev_needs_fmgr != nullptr && prev_needs_fmgr(fn_oid))
            return true;
        return g_barrier > 0 && is_user_code(fn_oid);
    });
}

void barrier_fmgr_hook(FmgrHookEventType event, FmgrInfo *flinfo, Datum *arg)
{
    guarded("fmgr_hook", [&] {
        if (event == FHET_START && g_barrier > 0 && is_user_code(flinfo->fn_oid))
            ereport(ERROR,
                    (errcode(ERRCODE_MIGRATE_GUARD_USER_CODE),
                     errmsg("migrate_guard: the migration review does not call %s, a function defined in this "
                            "database",
                            format_procedure_qualified(flinfo->fn_oid)),
                     errdetail("A review judges a migration without running it or any code it would call.")));
        if (prev_fmgr != nullptr)
            prev_fmgr(event, flinfo, arg);
    });
}

/* mg-lint: no-throw (transaction callback: resets a counter) */
void lower_at_transaction_end(XactEvent event, void *)
{
    switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
        g_barrier = 0;
        break;
    default:
        break;
    }
}

} // namespace

bool is_builtin_function(Oid funcid)
{
    return funcid < FirstNormalObjectId && !has_effects(funcid);
}

bool domain_has_constraints(Oid typid)
{
    return any_domain_constraint(typid, [](Node *) { return true; });
}

bool calls_non_builtin_itself(Node *node)
{
    return node != nullptr && !IsA(node, Query) && node_calls_non_builtin(node, nullptr);
}

bool only_builtin_functions(Node *node)
{
    return !user_function_walker(node, nullptr);
}

Oid first_user_function(Node *node)
{
    Oid found = InvalidOid;
    user_function_walker(node, &found);
    return found;
}

Oid first_volatile_function(Node *node)
{
    Oid found = InvalidOid;
    volatile_function_walker(node, &found);
    return found;
}

Oid domain_with_volatile_check(Oid *function)
{
    *function = InvalidOid;
    Oid domain = InvalidOid;
    Relation con = table_open(ConstraintRelationId, AccessShareLock);
    SysScanDesc scan = systable_beginscan(con, InvalidOid, false, nullptr, 0, nullptr);
    HeapTuple ct;
    while (!OidIsValid(domain) && HeapTupleIsValid(ct = systable_getnext(scan))) {
        Form_pg_constraint c = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(ct));
        if (c->contype != CONSTRAINT_CHECK || !OidIsValid(c->contypid))
            continue;
        bool isnull;
        Datum bin = heap_getattr(ct, Anum_pg_constraint_conbin, RelationGetDescr(con), &isnull);
        if (isnull)
            continue;
        Oid f = first_volatile_function(static_cast<Node *>(stringToNode(TextDatumGetCString(bin))));
        if (OidIsValid(f)) {
            domain = c->contypid;
            *function = f;
        }
    }
    systable_endscan(scan);
    table_close(con, AccessShareLock);
    return domain;
}

char *user_function_text(Node *node)
{
    Oid f = first_user_function(node);
    return OidIsValid(f) ? format_procedure_qualified(f) : nullptr;
}

bool user_code_barrier_raised()
{
    return g_barrier > 0;
}

void raise_user_code_barrier()
{
    g_barrier++;
}

void lower_user_code_barrier()
{
    if (g_barrier > 0)
        g_barrier--;
}

void install_user_code_barrier()
{
    prev_needs_fmgr = needs_fmgr_hook;
    needs_fmgr_hook = barrier_needs_fmgr_hook;
    prev_fmgr = fmgr_hook;
    fmgr_hook = barrier_fmgr_hook;
    RegisterXactCallback(lower_at_transaction_end, nullptr);
}

} // namespace mg
