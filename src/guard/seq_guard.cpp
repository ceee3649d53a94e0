/* seq_guard.cpp — see seq_guard.h. */
#include "common/bridge.h"
#include "guard/classify.h"
#include "guard/ext_objects.h"
#include "guard/seq_guard.h"
#include "guard/verdict.h"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/fmgroids.h"
}

namespace mg {
namespace {

bool is_sequence_writer(Oid fn)
{
    return fn == F_NEXTVAL || fn == F_SETVAL_REGCLASS_INT8 || fn == F_SETVAL_REGCLASS_INT8_BOOL;
}

bool is_protected_sequence(Oid relid)
{
    return is_protected_relation(relid) && get_rel_relkind(relid) == RELKIND_SEQUENCE;
}

/* The first protected sequence a sequence writer of the tree is called on. */
bool find_write(Node *node, Oid *found)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncExpr)) {
        FuncExpr *f = castNode(FuncExpr, node);
        if (is_sequence_writer(f->funcid) && f->args != NIL) {
            Node *arg = static_cast<Node *>(linitial(f->args));
            while (arg != nullptr && IsA(arg, RelabelType))
                arg = reinterpret_cast<Node *>(castNode(RelabelType, arg)->arg);
            if (arg != nullptr && IsA(arg, Const) && !castNode(Const, arg)->constisnull) {
                Oid seq = DatumGetObjectId(castNode(Const, arg)->constvalue);
                if (is_protected_sequence(seq)) {
                    *found = seq;
                    return true;
                }
            }
        }
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node),
                                 reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(find_write)), found, 0);
    return expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(find_write)),
                                  found);
}

} // namespace

Oid protected_sequence_written(Node *tree)
{
    Oid seq = InvalidOid;
    return find_write(tree, &seq) ? seq : InvalidOid;
}

void check_sequence_writes(Query *planned_query, PlannedStmt *plan, const char *query_string)
{
    bool mentioned = false;
    ListCell *lc;
    foreach (lc, plan->relationOids) {
        /* most entries are the relations the plan scans: only sequences among them matter */
        Oid relid = lfirst_oid(lc);
        bool scanned_table = false;
        ListCell *rc;
        foreach (rc, plan->rtable) {
            RangeTblEntry *rte = static_cast<RangeTblEntry *>(lfirst(rc));
            if (rte->rtekind == RTE_RELATION && rte->relid == relid && rte->relkind != RELKIND_SEQUENCE) {
                scanned_table = true;
                break;
            }
        }
        if (!scanned_table && is_protected_sequence(relid)) {
            mentioned = true;
            break;
        }
    }
    if (!mentioned)
        return;
    foreach (lc, plan->resultRelations) {
        RangeTblEntry *rte = rt_fetch(lfirst_int(lc), plan->rtable);
        if (rte->rtekind == RTE_RELATION && is_protected_relation(rte->relid))
            return; /* a write to the extension's table: refused, naming it, when it executes */
    }
    /* the planner rewrote the query in place: inlined function bodies are in it now */
    Oid seq = InvalidOid;
    bool found = find_write(reinterpret_cast<Node *>(planned_query), &seq);
    for (int i = 0; !found && i < list_length(plan->subplans); i++) {
        Plan *sub = static_cast<Plan *>(list_nth(plan->subplans, i));
        found = sub != nullptr && find_write(reinterpret_cast<Node *>(sub->targetlist), &seq);
    }
    if (found)
        judge(add_match(NIL, Rule::guard_tamper, relation_identity(seq), seq), query_string,
              planned_query->stmt_location, planned_query->stmt_len);
}

} // namespace mg
