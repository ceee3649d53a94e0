/*
 * classify_dml.cpp — which DELETE, UPDATE and MERGE statements change every
 * row of their target.
 *
 * A DELETE/UPDATE changes every row when it has no WHERE clause, when its
 * WHERE folds to constant true (`WHERE true`, `WHERE 1 = 1`,
 * `WHERE id = id OR true`), or when its WHERE references no column of the
 * target relation at all (`WHERE (SELECT true)`, `WHERE $1`,
 * `WHERE now() IS NOT NULL`, a PL/pgSQL variable): such a statement is
 * all-or-nothing by construction, unless the WHERE folds to constant false.
 * A correlated reference inside a sub-query counts as a reference, and so
 * does WHERE CURRENT OF (the cursor's current row).  MERGE likewise for
 * its ON condition together with the WHEN MATCHED condition of a DELETE or
 * UPDATE action.
 *
 * Parameters ($1, PL/pgSQL variables) are only known when the statement
 * executes: a condition whose answer depends on them is kept as a
 * DmlCandidate condition and decided by conditions_hold() with the values of
 * each execution (dml_check.cpp).
 *
 * A migration review (user-code barrier raised, common/user_code.h) must not
 * call the functions the folding would call: each call of a function that is
 * not built in stands in as a column (when it reads the row) or as an
 * unknown value, and a candidate whose answer hangs on one the guard would
 * fold names it (DmlCandidate.unevaluated).
 */
#include "common/bridge.h"
#include "common/user_code.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/ext_objects.h"

extern "C" {
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/pathnodes.h"
}

namespace mg {
namespace {

/* PostgreSQL's tree walkers take an untyped function pointer. */
template <typename Ctx>
bool (*walker(bool (*fn)(Node *, Ctx *)))()
{
    return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(fn));
}

template <typename T>
T *copy_node(const T *node)
{
    return static_cast<T *>(copyObjectImpl(node));
}

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

struct TargetRef {
    Index target; /* range-table index of the target in the outermost query */
    Index source; /* the entry its rows are read from, when not the target itself (or 0) */
    int depth;    /* how many sub-queries deep the walker is */
};

/* An operator with a column of the target as a direct operand? */
inline bool operator_on_target_column(const OpExpr *op, const TargetRef &ref)
{
    const ListCell *lc;
    foreach (lc, op->args) {
        const Node *arg = static_cast<const Node *>(lfirst(lc));
        while (arg != nullptr && IsA(arg, RelabelType))
            arg = reinterpret_cast<const Node *>(reinterpret_cast<const RelabelType *>(arg)->arg);
        if (arg != nullptr && IsA(arg, Var)) {
            const Var *v = reinterpret_cast<const Var *>(arg);
            if (v->varlevelsup == 0 && (v->varno == static_cast<int>(ref.target) ||
                                        (ref.source != 0 && v->varno == static_cast<int>(ref.source))))
                return true;
        }
    }
    return false;
}

/*
 * The shape cannot_be_constant() proves, with a column of the target as the
 * operand (the usual `id = 42`, `a = 1 AND b > 2`): such a WHERE references
 * the target and cannot fold to a constant, so it restricts -- decided
 * without walking the tree, on the planning of every UPDATE and DELETE.
 */
bool restricts_by_target_column(Node *node, const TargetRef &ref)
{
    if (node == nullptr)
        return false;
    if (IsA(node, OpExpr))
        return operator_on_target_column(castNode(OpExpr, node), ref);
    if (IsA(node, BoolExpr)) {
        BoolExpr *b = castNode(BoolExpr, node);
        if (b->boolop == NOT_EXPR)
            return false;
        bool is_and = b->boolop == AND_EXPR;
        ListCell *lc;
        foreach (lc, b->args) {
            bool r = restricts_by_target_column(static_cast<Node *>(lfirst(lc)), ref);
            if (is_and && r)
                return true;
            if (!is_and && !r)
                return false;
        }
        return !is_and;
    }
    return false;
}

bool references_target_walker(Node *node, TargetRef *ctx)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Var)) {
        Var *v = castNode(Var, node);
        return (v->varno == static_cast<int>(ctx->target) ||
                (ctx->source != 0 && v->varno == static_cast<int>(ctx->source))) &&
               static_cast<int>(v->varlevelsup) == ctx->depth;
    }
    if (IsA(node, CurrentOfExpr)) /* WHERE CURRENT OF: the cursor's row of the target */
        return castNode(CurrentOfExpr, node)->cvarno == ctx->target && ctx->depth == 0;
    if (IsA(node, Query)) {
        ctx->depth++;
        bool found = query_tree_walker(castNode(Query, node), walker(references_target_walker),
                                       ctx, 0);
        ctx->depth--;
        return found;
    }
    return expression_tree_walker(node, walker(references_target_walker), ctx);
}

/*
 * UPDATE/DELETE of a view with INSTEAD OF triggers: the rewriter turns the
 * view's range-table entry into the sub-query the rows are read from (the
 * WHERE keeps pointing at it) and appends a copy as the result relation
 * (ApplyRetrieveRule).  The sub-query's columns are the target's columns.
 */
Index view_rows_source(const Query *q, Index target)
{
    RangeTblEntry *t = rt_fetch(target, q->rtable);
    if (t->rtekind != RTE_RELATION || t->relkind != RELKIND_VIEW || t->eref == nullptr)
        return 0;
    Index i = 0;
    ListCell *lc;
    foreach (lc, q->rtable) {
        i++;
        RangeTblEntry *r = static_cast<RangeTblEntry *>(lfirst(lc));
        /* the parser allows one entry per name at a level, so the name identifies it */
        if (i != target && r->rtekind == RTE_SUBQUERY && r->eref != nullptr &&
            strcmp(r->eref->aliasname, t->eref->aliasname) == 0)
            return i;
    }
    return 0;
}

/* Does the expression use a column of the target (a correlated one in a sub-query included)? */
bool references_target(Node *expr, Index target, Index source)
{
    TargetRef ctx = {target, source, 0};
    return references_target_walker(expr, &ctx);
}

bool has_extern_param_walker(Node *node, void *)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Param) && castNode(Param, node)->paramkind == PARAM_EXTERN)
        return true;
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), walker(has_extern_param_walker),
                                 nullptr, 0);
    return expression_tree_walker(node, walker(has_extern_param_walker), nullptr);
}

bool is_const_bool(Node *n, bool value)
{
    if (n != nullptr && IsA(n, List) && list_length(castNode(List, n)) == 1)
        n = static_cast<Node *>(linitial(castNode(List, n)));
    if (n == nullptr || !IsA(n, Const))
        return false;
    Const *c = castNode(Const, n);
    if (c->constisnull)
        return !value; /* NULL: no row qualifies, like false */
    return DatumGetBool(c->constvalue) == value;
}

/* A condition of a candidate: (Const bool must_hold_true, expression). */
Node *make_condition(bool references, Node *expr)
{
    Node *kind = reinterpret_cast<Node *>(makeBoolConst(references, false));
    return reinterpret_cast<Node *>(list_make2(kind, expr));
}

bool row_var_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Var) && castNode(Var, node)->varlevelsup == 0) {
        *static_cast<Var **>(context) = castNode(Var, node);
        return true;
    }
    return expression_tree_walker(node, MG_WALKER(row_var_walker), context); /* sub-queries: not entered */
}

/* The calls replaced by stand_in(), by how the guard could fold them when the statement runs. */
struct StandIns {
    char *immutable_call; /* the planner folds it when its arguments are constants */
    char *stable_call;    /* conditions_hold() folds it with the parameters of an execution */
};

/*
 * Each call of a function that is not built in (operators, casts and type
 * conversions included, and coercions to a domain whose CHECK calls one)
 * becomes something folding cannot see through: a call that reads a column
 * of the row becomes a column (of the call's type), any other an unknown
 * value (a parameter no execution binds).
 */
Node *stand_in(Node *node, void *context)
{
    if (node == nullptr)
        return nullptr;
    if (calls_non_builtin_itself(node)) {
        Oid type = exprType(node);
        int32 typmod = exprTypmod(node);
        Oid collation = exprCollation(node);
        Var *row = nullptr;
        if (row_var_walker(node, &row))
            return reinterpret_cast<Node *>(makeVar(row->varno, row->varattno, type, typmod, collation, 0));
        StandIns *s = static_cast<StandIns *>(context);
        if (IsA(node, CoerceToDomain)) {
            /* never folded: a domain's constraints are checked when the statement runs */
        } else if (!contain_mutable_functions(node)) {
            if (s->immutable_call == nullptr)
                s->immutable_call = user_function_text(node);
        } else if (!contain_volatile_functions(node) && s->stable_call == nullptr) {
            s->stable_call = user_function_text(node);
        }
        Param *p = makeNode(Param);
        p->paramkind = PARAM_EXTERN;
        p->paramid = 0; /* never bound */
        p->paramtype = type;
        p->paramtypmod = typmod;
        p->paramcollid = collation;
        p->location = -1;
        return reinterpret_cast<Node *>(p);
    }
    return expression_tree_mutator(node, MG_MUTATOR(stand_in), context);
}

enum class Restricts { never, always, depends };

/*
 * Does this WHERE (or MERGE ON / WHEN condition) let every row through?
 * never: it restricts; always: it does not; depends: on the parameters of
 * the execution (*condition receives what conditions_hold() evaluates).
 * Barrier raised: *unevaluated names a function not evaluated whose result
 * the answer hangs on.
 */
Restricts lets_every_row_through(Node *quals, Index target, Index source, Node **condition, char **unevaluated)
{
    *condition = nullptr;
    *unevaluated = nullptr;
    if (quals == nullptr)
        return Restricts::always;
    if (restricts_by_target_column(quals, TargetRef{target, source, 0}))
        return Restricts::never; /* the common case, in a few tests */
    bool references = references_target(quals, target, source);
    if (references && cannot_be_constant(quals))
        return Restricts::never;
    Node *expr = copy_node(quals);
    StandIns stand_ins = {nullptr, nullptr};
    if (user_code_barrier_raised() && !only_builtin_functions(expr))
        expr = stand_in(expr, &stand_ins);
    Node *folded = eval_const_expressions(nullptr, expr);
    if (is_const_bool(folded, false))
        return Restricts::never; /* WHERE false: nothing at all */
    if (is_const_bool(folded, true))
        return Restricts::always;
    if (!references) {
        /* all-or-nothing: only a fold to false (when planned, or with the parameters) spares it */
        *unevaluated = stand_ins.immutable_call;
        if (*unevaluated == nullptr && has_extern_param_walker(quals, nullptr))
            *unevaluated = stand_ins.stable_call;
        if (!has_extern_param_walker(folded, nullptr))
            return Restricts::always;
        *condition = make_condition(false, folded);
        return Restricts::depends;
    }
    if (has_extern_param_walker(folded, nullptr) || contain_mutable_functions(folded)) {
        /* a fold to true lets every row through */
        *unevaluated = stand_ins.immutable_call ? stand_ins.immutable_call : stand_ins.stable_call;
        *condition = make_condition(true, folded);
        return Restricts::depends;
    }
    return Restricts::never;
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

DmlCandidate *make_candidate(CmdType cmd, Oid relid, Rule rule)
{
    DmlCandidate *c = static_cast<DmlCandidate *>(palloc0(sizeof(DmlCandidate)));
    c->command = cmd;
    c->relid = relid;
    c->rule = rule;
    c->conditions = NIL;
    c->unevaluated = nullptr;
    return c;
}

List *candidates_of(Query *q, List *out)
{
    ListCell *lc;
    foreach (lc, q->cteList) {
        CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);
        if (cte->ctequery != nullptr && IsA(cte->ctequery, Query) &&
            castNode(Query, cte->ctequery)->commandType != CMD_SELECT)
            out = candidates_of(castNode(Query, cte->ctequery), out);
    }
    Oid relid = target_relid(q);
    if (!OidIsValid(relid))
        return out;
    Index target = static_cast<Index>(q->resultRelation);
    Index source = view_rows_source(q, target);
    Node *cond = nullptr;
    char *unevaluated = nullptr;
    if (q->commandType == CMD_DELETE || q->commandType == CMD_UPDATE) {
        Restricts r =
            lets_every_row_through(q->jointree ? q->jointree->quals : nullptr, target, source, &cond, &unevaluated);
        if (r == Restricts::never)
            return out;
        DmlCandidate *c = make_candidate(q->commandType, relid, rule_for(q->commandType));
        if (cond != nullptr)
            c->conditions = list_make1(cond);
        c->unevaluated = unevaluated;
        return lappend(out, c);
    }
#if MG_HAVE_MERGE
    if (q->commandType == CMD_MERGE) {
        Restricts on = lets_every_row_through(MG_MERGE_ON_QUALS(q), target, source, &cond, &unevaluated);
        if (on == Restricts::never)
            return out;
        Node *on_cond = cond;
        char *on_unevaluated = unevaluated;
        bool seen[2] = {false, false};
        foreach (lc, q->mergeActionList) {
            MergeAction *action = lfirst_node(MergeAction, lc);
            if (action->commandType != CMD_DELETE && action->commandType != CMD_UPDATE)
                continue;
            int k = action->commandType == CMD_DELETE ? 0 : 1;
            Node *act_cond = nullptr;
            char *act_unevaluated = nullptr;
            if (seen[k] || lets_every_row_through(reinterpret_cast<Node *>(action->qual), target, source, &act_cond,
                                                  &act_unevaluated) == Restricts::never)
                continue;
            DmlCandidate *c = make_candidate(CMD_MERGE, relid, rule_for(action->commandType));
            if (on_cond != nullptr)
                c->conditions = lappend(c->conditions, on_cond);
            if (act_cond != nullptr)
                c->conditions = lappend(c->conditions, act_cond);
            c->unevaluated = on_unevaluated ? on_unevaluated : act_unevaluated;
            seen[k] = c->conditions == NIL; /* an unconditional one says it all */
            out = lappend(out, c);
        }
    }
#endif
    return out;
}

} // namespace

bool dml_restricted_by_target_column(const Query *q)
{
    if ((q->commandType != CMD_DELETE && q->commandType != CMD_UPDATE) || q->cteList != NIL ||
        q->resultRelation <= 0 || q->jointree == nullptr)
        return false;
    const RangeTblEntry *t = rt_fetch(q->resultRelation, q->rtable);
    if (t->rtekind != RTE_RELATION || t->relkind == RELKIND_VIEW)
        return false;
    Node *quals = q->jointree->quals;
    TargetRef ref = {static_cast<Index>(q->resultRelation), 0, 0};
    if (quals != nullptr && IsA(quals, OpExpr)) /* `WHERE id = 42`: no recursion */
        return operator_on_target_column(castNode(OpExpr, quals), ref);
    return restricts_by_target_column(quals, ref);
}

List *dml_candidates(Query *q)
{
    return candidates_of(q, NIL);
}

bool conditions_hold(List *conditions, ParamListInfo params)
{
    if (conditions == NIL)
        return true;
    PlannerGlobal *glob = makeNode(PlannerGlobal);
    glob->boundParams = params;
    PlannerInfo *root = makeNode(PlannerInfo);
    root->glob = glob;
    ListCell *lc;
    foreach (lc, conditions) {
        List *cond = castNode(List, lfirst(lc));
        bool must_be_true = DatumGetBool(castNode(Const, linitial(cond))->constvalue);
        Node *expr = static_cast<Node *>(lsecond(cond));
        /* with this execution's parameter values; stable functions fold too (never user code in a review) */
        Node *value = user_code_barrier_raised() && !only_builtin_functions(expr)
                          ? expr
                          : estimate_expression_value(root, copy_node(expr));
        bool holds = must_be_true ? is_const_bool(value, true) : !is_const_bool(value, false);
        if (!holds)
            return false;
    }
    return true;
}

List *classify_query(Query *q, ParamListInfo params)
{
    List *out = NIL;
    Oid relid = target_relid(q);
    if (OidIsValid(relid) && q->commandType != CMD_SELECT && is_protected_relation(relid))
        out = add_match(out, Rule::guard_tamper, relation_identity(relid), relid);
    ListCell *lc;
    foreach (lc, dml_candidates(q)) {
        DmlCandidate *c = static_cast<DmlCandidate *>(lfirst(lc));
        /* one that hangs on a function not evaluated is reported as such, whatever the rest says */
        if ((c->unevaluated == nullptr && !conditions_hold(c->conditions, params)) || relation_is_exempt(c->relid))
            continue;
        out = add_match(out, c->rule, relation_identity(c->relid), c->relid);
        static_cast<Match *>(llast(out))->unevaluated = c->unevaluated;
    }
    return out;
}

} // namespace mg
