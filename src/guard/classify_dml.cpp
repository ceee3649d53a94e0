/*
 * classify_dml.cpp — rules matched by DELETE, UPDATE and MERGE.
 *
 * The guard judges DML when it is planned (planner_hook), on the rewritten
 * query: that is the last point every route passes through (PREPARE/EXECUTE,
 * PL/pgSQL, SQL functions including BEGIN ATOMIC bodies, rules, views,
 * writable CTEs, EXPLAIN ANALYZE).  A WHERE clause that folds to constant
 * true counts as no WHERE clause.
 */
#include "common/bridge.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "common/ext_state.h"

namespace mg {
namespace {

/*
 * Cheap proof that an expression cannot fold to a constant: an operator with
 * a column as a direct argument (the usual `id = 42`), or an AND with such a
 * part, or an OR made only of them.  Spares the constant folding below on the
 * hot path of every UPDATE and DELETE.
 */
bool cannot_be_constant(Node *node)
{
    if (node == nullptr)
        return false;
    if (IsA(node, OpExpr)) {
        ListCell *lc;
        foreach (lc, castNode(OpExpr, node)->args) {
            Node *arg = static_cast<Node *>(lfirst(lc));
            while (arg != nullptr && IsA(arg, RelabelType))
                arg = reinterpret_cast<Node *>(castNode(RelabelType, arg)->arg);
            if (arg != nullptr && IsA(arg, Var) && castNode(Var, arg)->varlevelsup == 0)
                return true;
        }
        return false;
    }
    if (IsA(node, BoolExpr)) {
        BoolExpr *b = castNode(BoolExpr, node);
        bool is_and = b->boolop == AND_EXPR;
        if (b->boolop == NOT_EXPR)
            return false;
        ListCell *lc;
        foreach (lc, b->args) {
            bool c = cannot_be_constant(static_cast<Node *>(lfirst(lc)));
            if (is_and && c)
                return true;
            if (!is_and && !c)
                return false;
        }
        return !is_and;
    }
    return false;
}

/* NULL, or an expression that constant-folds to true. */
bool always_true(Node *quals)
{
    if (quals == nullptr)
        return true;
    if (cannot_be_constant(quals))
        return false;
    Node *folded = eval_const_expressions(nullptr, quals);
    if (folded != nullptr && IsA(folded, List) && list_length(castNode(List, folded)) == 1)
        folded = static_cast<Node *>(linitial(castNode(List, folded)));
    if (folded == nullptr)
        return true;
    if (!IsA(folded, Const))
        return false;
    Const *c = castNode(Const, folded);
    return !c->constisnull && DatumGetBool(c->constvalue);
}

Oid target_relid(const Query *q)
{
    if (q->resultRelation <= 0)
        return InvalidOid;
    RangeTblEntry *rte = rt_fetch(q->resultRelation, q->rtable);
    return rte->rtekind == RTE_RELATION ? rte->relid : InvalidOid;
}

Rule rule_for(CmdType cmd)
{
    return cmd == CMD_DELETE ? Rule::delete_without_where : Rule::update_without_where;
}

List *classify_one(Query *q, List *out)
{
    ListCell *lc;
    foreach (lc, q->cteList) {
        CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);
        if (cte->ctequery != nullptr && IsA(cte->ctequery, Query) &&
            castNode(Query, cte->ctequery)->commandType != CMD_SELECT)
            out = classify_one(castNode(Query, cte->ctequery), out);
    }

    bool modifies = q->commandType == CMD_DELETE || q->commandType == CMD_UPDATE;
#if MG_HAVE_MERGE
    bool merge = q->commandType == CMD_MERGE;
#else
    bool merge = false;
#endif
    if (!modifies && !merge)
        return out;
    Oid relid = target_relid(q);
    if (!OidIsValid(relid))
        return out;

    /* the exemption lookups run only for a statement that matched a rule */
    bool tamper = is_protected_table(relid);
    bool matched = false;
    CmdType cmd = q->commandType;
    if (modifies) {
        matched = always_true(q->jointree ? q->jointree->quals : nullptr);
    }
#if MG_HAVE_MERGE
    else {
        bool on_true = always_true(MG_MERGE_ON_QUALS(q));
        bool changes = false;
        foreach (lc, q->mergeActionList) {
            MergeAction *action = lfirst_node(MergeAction, lc);
            if (action->commandType != CMD_DELETE && action->commandType != CMD_UPDATE)
                continue;
            changes = true;
            if (!matched && on_true && always_true(action->qual)) {
                matched = true;
                cmd = action->commandType;
            }
        }
        tamper = tamper && changes;
    }
#endif
    if ((!tamper && !matched) || relation_is_exempt(relid))
        return out;
    if (tamper)
        out = add_match(out, Rule::guard_tamper, relation_identity(relid), relid);
    if (matched)
        out = add_match(out, rule_for(cmd), relation_identity(relid), relid);
    return out;
}

} // namespace

bool query_may_match(const Query *q)
{
    switch (q->commandType) {
    case CMD_DELETE:
    case CMD_UPDATE:
#if MG_HAVE_MERGE
    case CMD_MERGE:
#endif
        return true;
    default:
        return q->hasModifyingCTE;
    }
}

List *classify_query(Query *q)
{
    return classify_one(q, NIL);
}

} // namespace mg
