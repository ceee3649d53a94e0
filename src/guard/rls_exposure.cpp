/* rls_exposure.cpp — see rls_exposure.h. */
#include "common/bridge.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"
#include "guard/rls_exposure.h"

extern "C" {
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_policy.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace mg {
namespace {

/* PostgreSQL's tree walkers take an untyped function pointer. */
template <typename Ctx>
bool (*walker(bool (*fn)(Node *, Ctx *)))()
{
    return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(fn));
}

/* Does a stored policy expression use a column of its table (range-table entry 1)? */
bool uses_column_walker(Node *node, int *depth)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Var))
        return castNode(Var, node)->varno == 1 && static_cast<int>(castNode(Var, node)->varlevelsup) == *depth;
    if (IsA(node, Query)) {
        (*depth)++;
        bool found = query_tree_walker(castNode(Query, node), walker(uses_column_walker), depth, 0);
        (*depth)--;
        return found;
    }
    return expression_tree_walker(node, walker(uses_column_walker), depth);
}

bool folds_to(Node *expr, bool value)
{
    Node *folded = eval_const_expressions(nullptr, static_cast<Node *>(copyObjectImpl(expr)));
    if (folded == nullptr || !IsA(folded, Const))
        return false;
    Const *c = castNode(Const, folded);
    if (c->constisnull)
        return !value; /* NULL lets no row through */
    return DatumGetBool(c->constvalue) == value;
}

/*
 * Does this USING / WITH CHECK expression let every row through?  Always
 * true, or all or nothing because it references no column of the table (as
 * for a WHERE clause, classify_dml.cpp), unless it is always false.
 */
bool lets_every_row_through(Node *expr)
{
    int depth = 0;
    if (!uses_column_walker(expr, &depth))
        return !folds_to(expr, false);
    return folds_to(expr, true);
}

Node *stored_expression(HeapTuple tup, TupleDesc desc, AttrNumber att)
{
    bool isnull;
    Datum d = heap_getattr(tup, att, desc, &isnull);
    return isnull ? nullptr : static_cast<Node *>(stringToNode(TextDatumGetCString(d)));
}

struct RlsState {
    bool enabled;
    bool forced;
};

RlsState rls_state(Oid relid)
{
    RlsState s = {false, false};
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (HeapTupleIsValid(tup)) {
        Form_pg_class c = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup));
        s = RlsState{c->relrowsecurity, c->relforcerowsecurity};
        ReleaseSysCache(tup);
    }
    return s;
}

/* Is (child, parent) in pg_inherits, as the current command left it? */
bool inherits_now(Oid child, Oid parent)
{
    Relation rel = table_open(InheritsRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(child));
    SysScanDesc scan = systable_beginscan(rel, InheritsRelidSeqnoIndexId, true, SnapshotSelf, 1, &key);
    bool found = false;
    HeapTuple tup;
    while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
        found = reinterpret_cast<Form_pg_inherits>(GETSTRUCT(tup))->inhparent == parent;
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return found;
}

/* relid and every relation it inherits from, nearest first. */
List *self_and_ancestors(Oid relid)
{
    List *out = list_make1_oid(relid);
    Relation rel = table_open(InheritsRelationId, AccessShareLock);
    for (int i = 0; i < list_length(out); i++) {
        ScanKeyData key;
        ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
                    ObjectIdGetDatum(list_nth_oid(out, i)));
        SysScanDesc scan = systable_beginscan(rel, InheritsRelidSeqnoIndexId, true, nullptr, 1, &key);
        HeapTuple tup;
        while (HeapTupleIsValid(tup = systable_getnext(scan)))
            out = list_append_unique_oid(out, reinterpret_cast<Form_pg_inherits>(GETSTRUCT(tup))->inhparent);
        systable_endscan(scan);
    }
    table_close(rel, AccessShareLock);
    return out;
}

} // namespace

List *weak_policy_matches(Oid policy)
{
    Oid relid = InvalidOid;
    bool permissive = false;
    Node *using_expr = nullptr;
    Relation rel = table_open(PolicyRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_policy_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(policy));
    SysScanDesc scan = systable_beginscan(rel, PolicyOidIndexId, true, SnapshotSelf, 1, &key);
    HeapTuple tup = systable_getnext(scan);
    if (HeapTupleIsValid(tup)) {
        Form_pg_policy p = reinterpret_cast<Form_pg_policy>(GETSTRUCT(tup));
        relid = p->polrelid;
        /*
         * Only policies that let rows be changed or deleted (ALL, UPDATE,
         * DELETE) are judged: a read-only "public read" policy (FOR SELECT
         * USING (true)) is a deliberate, common exposure of reads, and an
         * INSERT check lets no existing row be touched.
         */
        permissive = p->polpermissive && (p->polcmd == '*' || p->polcmd == 'w' || p->polcmd == 'd');
        if (permissive)
            using_expr = stored_expression(tup, RelationGetDescr(rel), Anum_pg_policy_polqual);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    if (!permissive || !OidIsValid(relid) || !rls_state(relid).enabled || relation_is_exempt(relid))
        return NIL;
    const char *clause = nullptr;
    if (using_expr != nullptr && lets_every_row_through(using_expr))
        clause = "USING";
    if (clause == nullptr)
        return NIL;
    CommandCounterIncrement(); /* make the new policy visible, so that the refusal can name it */
    ObjectAddress addr = {PolicyRelationId, policy, 0};
    char *ident = describe_object(addr);
    List *out = add_match(NIL, Rule::disable_rls, ident, relid);
    static_cast<Match *>(linitial(out))->detail = psprintf(
        "The %s expression of %s lets every row through (it is always true, or references no column of the table: "
        "all or nothing). Permissive policies are combined with OR, so the roles it applies to may change or delete "
        "every row of %s whatever its other policies say: row-level security is as good as disabled.",
        clause, ident, relation_identity(relid));
    return out;
}

List *exposing_parent_matches(Oid child, Oid parent)
{
    if (!OidIsValid(child) || !OidIsValid(parent))
        return NIL;
    RlsState own = rls_state(child);
    if (!own.enabled || relation_is_exempt(child) || !inherits_now(child, parent))
        return NIL; /* nothing to expose, or the row was removed (NO INHERIT, DETACH) */
    ListCell *lc;
    foreach (lc, self_and_ancestors(parent)) {
        Oid up = lfirst_oid(lc);
        RlsState s = rls_state(up);
        const char *why = nullptr;
        if (relation_is_exempt(up))
            why = "was created in this transaction: its policies, which the guard does not judge, decide which of "
                  "those rows are returned";
        else if (!s.enabled)
            why = "does not enable row-level security";
        else if (own.forced && !s.forced)
            why = "does not force row-level security as the table does, so the owner reads them unfiltered";
        if (why == nullptr)
            continue;
        char *table = relation_identity(child);
        List *out = add_match(NIL, Rule::disable_rls, table, child);
        static_cast<Match *>(linitial(out))->detail = psprintf(
            "A query on %s returns the rows of %s with the policies of %s only, never those of %s; %s %s.",
            relation_identity(up), table, relation_identity(up), table, relation_identity(up), why);
        return out;
    }
    return NIL;
}

} // namespace mg
