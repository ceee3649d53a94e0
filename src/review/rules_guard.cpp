/*
 * rules_guard.cpp — the guard's rules, judged by the guard itself.
 *
 * The review hands the statement's parse tree to the guard's own classifier
 * (classify_utility for utility statements; for DELETE / UPDATE / MERGE /
 * writable CTEs, classify_query on the query parse analysis and the rewriter
 * make of it, as the planner hook sees it) and asks decide() what the guard
 * would do under the current mode, blocked_rules and flag.  Review and
 * enforcement therefore cannot disagree, and new or changed guard rules show
 * up here without a change.
 */
#include "common/bridge.h"
#include "common/settings.h"
#include "common/user_code.h"
#include "guard/classify.h"
#include "guard/exemptions.h"
#include "guard/verdict.h"
#include "review/live_names.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "commands/defrem.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/datum.h"
#include "parser/parse_coerce.h"
#include "parser/parse_expr.h"
#include "parser/analyze.h"
#include "parser/parse_param.h"
#include "parser/parse_type.h"
#include "rewrite/rewriteHandler.h"
}

namespace mg::review {

/* Parse analysis (no post-parse hooks) and rewrite: the queries the planner would get. */
List *analyze_statement(Node *stmt, const Statement *st, List *argtypes)
{
    RawStmt *raw = makeNode(RawStmt);
    raw->stmt = copy_node(stmt); /* parse analysis writes into the raw tree (a CTE's query becomes a Query) */
    raw->stmt_location = st->location;
    raw->stmt_len = st->length;
    ParseState *pstate = make_parsestate(nullptr);
    /* no source text: an error needs no cursor position (computing one counts the characters of the whole script) */
    pstate->p_sourcetext = nullptr;
    int nparams = list_length(argtypes);
    Oid *param_types = nparams > 0 ? static_cast<Oid *>(palloc0(sizeof(Oid) * nparams)) : nullptr;
    for (int i = 0; i < nparams; i++)
        param_types[i] = typenameTypeId(pstate, list_nth_node(TypeName, argtypes, i));
    mg_setup_variable_params(pstate, &param_types, &nparams);
    Query *q = transformTopLevelStmt(pstate, raw);
    free_parsestate(pstate);
    return QueryRewrite(q);
}

namespace {

/* What to do instead, for rules the guard classifies without blocking by default. */
const char *review_hint(Rule r)
{
    switch (r) {
    case Rule::rename:
        return "Keep the old name working for the code that still uses it: rename in a later release, once nothing "
               "reads the old name, or put a view with the old name in front of the table.";
    case Rule::drop_index:
        return "Check with pg_stat_user_indexes (idx_scan) that nothing uses the index; DROP INDEX CONCURRENTLY keeps "
               "the table available.";
    case Rule::drop_view:
    case Rule::drop_function:
    case Rule::drop_trigger:
        return "Make sure no application, view, default or trigger still uses it.";
    default:
        return nullptr;
    }
}

/*
 * A match that hangs on a function the review does not call (the guard folds
 * it when the statement runs): what the guard would then do is a danger, not
 * a certainty.
 */
void report_unevaluated(Statement *st, const Match *m, const RuleInfo &ri, const Decision &d)
{
    const char *would = d.outcome == Outcome::refused      ? "refuses it"
                        : d.outcome == Outcome::overridden ? "lets it run only because migrate_guard.allow_destructive "
                                                             "is in force in this session"
                        : d.outcome == Outcome::warned     ? "lets it run with a WARNING (migrate_guard.mode = warn)"
                                                           : "lets it run and classifies it";
    add_finding(st, ri.name.data(), d.outcome == Outcome::allowed ? Severity::warn : Severity::danger,
                psprintf("the guard %s as %s on %s if its condition lets every row through when it runs, which "
                         "depends on what %s returns, which the review does not call. %s",
                         would, ri.name.data(), m->object, m->unevaluated, ri.danger),
                psprintf("Make the condition name the columns that select the rows, so that it visibly restricts "
                         "them; if every row is meant, a member of role \"%s\" runs it after SET LOCAL "
                         "migrate_guard.allow_destructive = on (in the same transaction).",
                         admin_role_name()));
}

} // namespace

void report_guard(Statement *st, List *matches, const char *route)
{
    ListCell *lc;
    foreach (lc, matches) {
        Match *m = static_cast<Match *>(lfirst(lc));
        const RuleInfo &ri = rule_info(m->rule);
        Decision d = decide(list_make1(m));
        /* an object reached through what the script hangs under one it creates: say how */
        const char *object = route ? psprintf("%s (%s)", m->object, route) : m->object;
        if (m->unevaluated != nullptr && d.outcome != Outcome::none) {
            Match shown = *m;
            shown.object = const_cast<char *>(object);
            report_unevaluated(st, &shown, ri, d);
            continue;
        }
        switch (d.outcome) {
        case Outcome::refused:
            add_finding(st, ri.name.data(), Severity::blocked,
                        psprintf("the guard refuses it: %s on %s. %s", ri.name.data(), object,
                                 m->detail ? m->detail : ri.danger),
                        d.reason_missing
                            ? psprintf("migrate_guard.require_reason is on: a member of role \"%s\" runs it after "
                                       "SET LOCAL migrate_guard.allow_destructive = on and SET LOCAL "
                                       "migrate_guard.reason = '<ticket>' (in the same transaction).",
                                       admin_role_name())
                            : psprintf("If this is intended, a member of role \"%s\" runs it after SET LOCAL "
                                       "migrate_guard.allow_destructive = on (in the same transaction).",
                                       admin_role_name()));
            break;
        case Outcome::overridden:
            add_finding(st, ri.name.data(), Severity::danger,
                        psprintf("%s on %s: the guard lets it run only because migrate_guard.allow_destructive is "
                                 "in force in this session. %s",
                                 ri.name.data(), object, ri.danger),
                        "Make sure this is intended: the flag is per session and per transaction (SET LOCAL).");
            break;
        case Outcome::warned:
            add_finding(st, ri.name.data(), Severity::danger,
                        psprintf("%s on %s: migrate_guard.mode = warn, so the guard lets it run with a WARNING. %s",
                                 ri.name.data(), object, ri.danger),
                        "Make sure this is intended.");
            break;
        default:
            add_finding(st, ri.name.data(), Severity::warn,
                        psprintf("%s on %s: %s (the guard lets it run: %s)", ri.name.data(), object, ri.danger,
                                 mode() == Mode::off ? "migrate_guard.mode = off"
                                                     : "the rule is not in migrate_guard.blocked_rules"),
                        review_hint(m->rule));
            break;
        }
    }
}

bool is_dml(const Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
#if MG_HAVE_MERGE
    case T_MergeStmt:
#endif
        return true;
    case T_SelectStmt: {
        /* only a writable CTE can change rows */
        const SelectStmt *sel = castNode(SelectStmt, stmt);
        if (sel->withClause == nullptr)
            return false;
        ListCell *lc;
        foreach (lc, sel->withClause->ctes) {
            Node *q = lfirst_node(CommonTableExpr, lc)->ctequery;
            if (q != nullptr && !IsA(q, SelectStmt))
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

const RangeVar *dml_target(const Node *stmt, Node **where, bool *has_where)
{
    *has_where = true;
    switch (nodeTag(stmt)) {
    case T_UpdateStmt:
        *where = castNode(UpdateStmt, stmt)->whereClause;
        *has_where = *where != nullptr;
        return castNode(UpdateStmt, stmt)->relation;
    case T_DeleteStmt:
        *where = castNode(DeleteStmt, stmt)->whereClause;
        *has_where = *where != nullptr;
        return castNode(DeleteStmt, stmt)->relation;
    case T_InsertStmt:
        return castNode(InsertStmt, stmt)->relation;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        return castNode(MergeStmt, stmt)->relation;
#endif
    default:
        return nullptr;
    }
}

/* The guard's DML classifier on the rewritten queries. */
List *classify_dml(List *queries, ParamListInfo params)
{
    List *matches = NIL;
    ListCell *lc;
    foreach (lc, queries) {
        Query *rq = lfirst_node(Query, lc);
        if (rq->commandType != CMD_UTILITY && query_may_match(rq))
            matches = list_concat(matches, classify_query(rq, params));
    }
    return matches;
}

namespace {

struct ParamTypes {
    int count;
    Oid *types; /* of $1 .. $count as the analysed query uses them (InvalidOid: unused) */
};

bool param_type_walker(Node *node, ParamTypes *pt)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Param)) {
        Param *p = castNode(Param, node);
        if (p->paramkind == PARAM_EXTERN && p->paramid >= 1 && p->paramid <= pt->count)
            pt->types[p->paramid - 1] = p->paramtype;
        return false;
    }
    if (IsA(node, Query))
        return query_tree_walker(castNode(Query, node), MG_WALKER(param_type_walker), pt, 0);
    return expression_tree_walker(node, MG_WALKER(param_type_walker), pt);
}

/*
 * The values EXECUTE binds to $1 .. $n, computed as PostgreSQL computes them
 * (EvaluateParams: transformed, coerced to the parameter's type, folded),
 * folded only when every function in them is built in.  *unknown: the first
 * argument that is no constant then (1-based; 0: every one is).
 */
ParamListInfo execute_params(const ExecuteStmt *exec, List *queries, int *unknown)
{
    *unknown = 0;
    int n = list_length(exec->params);
    if (n == 0)
        return nullptr;
    ParamTypes pt = {n, static_cast<Oid *>(palloc0(sizeof(Oid) * n))};
    ListCell *lc;
    foreach (lc, queries)
        param_type_walker(static_cast<Node *>(lfirst(lc)), &pt);
    ParamListInfo params = makeParamList(n);
    for (int i = 0; i < n; i++) {
        ParamExternData *prm = &params->params[i];
        prm->ptype = pt.types[i];
        prm->pflags = PARAM_FLAG_CONST;
        prm->isnull = true;
        prm->value = Datum(0);
        if (!OidIsValid(pt.types[i]))
            continue; /* the statement does not use it */
        volatile bool bound = false;
        Node *arg = static_cast<Node *>(list_nth(exec->params, i));
        attempt([&] {
            ParseState *pstate = make_parsestate(nullptr);
            pstate->p_sourcetext = nullptr;
            Node *expr = transformExpr(pstate, copy_node(arg), EXPR_KIND_EXECUTE_PARAMETER);
            expr = coerce_to_target_type(pstate, expr, exprType(expr), pt.types[i], -1, COERCION_ASSIGNMENT,
                                         COERCE_IMPLICIT_CAST, -1);
            if (expr != nullptr && only_builtin_functions(expr))
                expr = eval_const_expressions(nullptr, expr);
            if (expr != nullptr && IsA(expr, Const)) {
                Const *c = castNode(Const, expr);
                prm->isnull = c->constisnull;
                prm->value = c->constisnull ? Datum(0) : datumCopy(c->constvalue, c->constbyval, c->constlen);
                bound = true;
            }
        });
        if (!bound) {
            prm->ptype = InvalidOid; /* estimate_expression_value() leaves it a Param: unknown */
            if (*unknown == 0)
                *unknown = i + 1;
        }
    }
    return params;
}

/* Does the tree use a parameter that is not bound to a constant (execute_params(): no type)? */
bool unknown_param_walker(Node *node, ParamListInfo params)
{
    if (node == nullptr)
        return false;
    if (IsA(node, Param)) {
        Param *p = castNode(Param, node);
        return p->paramkind == PARAM_EXTERN && p->paramid >= 1 && p->paramid <= params->numParams &&
               !OidIsValid(params->params[p->paramid - 1].ptype);
    }
    return expression_tree_walker(node, MG_WALKER(unknown_param_walker), params);
}

bool uses_unknown_param(Node *conditions, ParamListInfo params)
{
    return params != nullptr && unknown_param_walker(conditions, params);
}

List *prepared_argtypes(ScriptState *state, const char *name)
{
    const Prepared *p = find_prepared(state, name);
    return p != nullptr ? p->argtypes : NIL;
}

/*
 * EXECUTE with an argument the review does not compute: every way the
 * statement can change all rows of its table that hangs on the arguments
 * (and did not match with the others bound) is what the guard decides when
 * it runs.
 */
void report_unknown_arguments(Statement *st, List *maybe, int unknown)
{
    ListCell *lc;
    foreach (lc, maybe) {
        DmlCandidate *c = static_cast<DmlCandidate *>(lfirst(lc));
        Match m = {c->rule, relation_identity(c->relid), c->relid, nullptr, nullptr};
        const RuleInfo &ri = rule_info(c->rule);
        Decision d = decide(list_make1(&m));
        const char *would = d.outcome == Outcome::refused      ? "refuses it"
                            : d.outcome == Outcome::overridden ? "lets it run only because "
                                                                 "migrate_guard.allow_destructive is in force"
                            : d.outcome == Outcome::warned     ? "lets it run with a WARNING (migrate_guard.mode = warn)"
                                                               : "lets it run and classifies it";
        add_finding(st, ri.name.data(), d.outcome == Outcome::allowed ? Severity::warn : Severity::danger,
                    psprintf("the guard %s as %s on %s if the values EXECUTE binds let every row through, which "
                             "the review does not know: argument %d is not a constant (the guard judges each "
                             "execution with its values). %s",
                             would, ri.name.data(), m.object, unknown, ri.danger),
                    "Pass constants to EXECUTE, or make the condition restrict the rows whatever the parameters.");
    }
}

void review_dml(Statement *st, ScriptState *state, Node *stmt, const char *sql, const ExecuteStmt *exec = nullptr)
{
    /* a table of the script's own, or none at all: nothing the catalog can analyse */
    Node *target_where = nullptr;
    bool target_has_where;
    if (const RangeVar *target = dml_target(stmt, &target_where, &target_has_where)) {
        RelRef ref = resolve_relation(state, target);
        if (ref.state == RelState::created)
            return;
        if (ref.state == RelState::missing) {
            Target t = {ref, nullptr};
            report_missing(st, t, false);
            return;
        }
    }
    List *volatile matches = NIL;
    List *volatile maybe = NIL;   /* EXECUTE: candidates that hang on an argument not computed */
    volatile int unknown = 0;     /* EXECUTE: that argument */
    volatile bool classified = false; /* read after an ERROR */
    /* parse analysis looks names up in the catalog: hand it the catalog's names of the script's relations */
    Node *live = with_live_names(state, stmt);
    ErrorData *err = attempt([&] {
        List *queries = analyze_statement(live, st, exec != nullptr ? prepared_argtypes(state, exec->name) : NIL);
        state->analyzed_stmt = st->number;
        state->analyzed_queries = queries;
        ParamListInfo params = nullptr;
        if (exec != nullptr) {
            /* EXECUTE: judged with its arguments bound, as the guard judges each execution */
            int unknown_arg = 0;
            params = execute_params(exec, queries, &unknown_arg);
            unknown = unknown_arg;
        }
        matches = classify_dml(queries, params);
        if (unknown > 0) {
            ListCell *qc;
            foreach (qc, queries) {
                Query *rq = lfirst_node(Query, qc);
                if (rq->commandType == CMD_UTILITY || !query_may_match(rq))
                    continue;
                ListCell *cc;
                foreach (cc, dml_candidates(rq)) {
                    DmlCandidate *c = static_cast<DmlCandidate *>(lfirst(cc));
                    if (c->conditions == NIL || c->unevaluated != nullptr || relation_is_exempt(c->relid) ||
                        !uses_unknown_param(reinterpret_cast<Node *>(c->conditions), params))
                        continue;
                    maybe = lappend(maybe, c);
                }
            }
        }
        classified = true;
        review_volume(st, queries); /* while parse analysis holds its locks */
    });
    if (classified) {
        report_guard(st, matches);
        report_unknown_arguments(st, maybe, unknown);
        if (err != nullptr)
            add_finding(st, "not_reviewed", Severity::warn,
                        psprintf("the review could not estimate the rows it changes: %s", err->message));
        return;
    }
    /* analysis failed: against what the script creates or adds, or against nothing */
    Node *where = nullptr;
    bool has_where;
    const RangeVar *rv = dml_target(stmt, &where, &has_where);
    if (rv == nullptr) {
        add_finding(st, "not_reviewed", Severity::warn,
                    psprintf("the review could not analyse this statement: %s", err->message), nullptr);
        return;
    }
    RelRef ref = resolve_relation(state, rv);
    if (ref.state == RelState::created)
        return; /* a table of this script's own: new */
    if (ref.state == RelState::missing) {
        Target t = {ref, nullptr};
        report_missing(st, t, false);
        return;
    }
    if (!has_where && (IsA(stmt, UpdateStmt) || IsA(stmt, DeleteStmt))) {
        /* no WHERE clause at all: what the guard's rule says, whatever the columns */
        if (!relation_is_exempt(ref.relid))
            report_guard(st, add_match(NIL, IsA(stmt, UpdateStmt) ? Rule::update_without_where : Rule::delete_without_where,
                                 relation_identity(ref.relid), ref.relid));
        return;
    }
    if (table_has_added_columns(state, ref.relid))
        return; /* it uses columns the script adds earlier */
    add_finding(st, "not_reviewed", Severity::warn,
                psprintf("the review could not analyse this statement against the catalog: %s", err->message),
                nullptr);
}

bool explain_analyzes(ExplainStmt *ex)
{
    ListCell *lc;
    foreach (lc, ex->options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "analyze") == 0)
            return defGetBoolean(opt);
    }
    return false;
}

Node *prepared_query(ScriptState *state, const char *name)
{
    const Prepared *p = find_prepared(state, name);
    return p != nullptr ? p->query : nullptr;
}

} // namespace

Node *statement_dml(const Statement *st, ScriptState *state)
{
    Node *stmt = st->stmt;
    /* statements that run DML: EXPLAIN ANALYZE, COPY (DML) TO, EXECUTE of a statement the script prepared */
    if (IsA(stmt, ExplainStmt) && explain_analyzes(castNode(ExplainStmt, stmt)))
        stmt = castNode(ExplainStmt, stmt)->query;
    else if (IsA(stmt, CopyStmt) && castNode(CopyStmt, stmt)->query != nullptr)
        stmt = castNode(CopyStmt, stmt)->query;
    /* EXECUTE, also under EXPLAIN ANALYZE */
    if (stmt != nullptr && IsA(stmt, ExecuteStmt))
        stmt = prepared_query(state, castNode(ExecuteStmt, stmt)->name);
    return stmt != nullptr && is_dml(stmt) ? stmt : nullptr;
}

namespace {

/* The EXECUTE a statement runs DML through (itself, or under EXPLAIN ANALYZE), for its arguments. */
const ExecuteStmt *executed(Node *stmt)
{
    if (IsA(stmt, ExplainStmt) && explain_analyzes(castNode(ExplainStmt, stmt)))
        stmt = castNode(ExplainStmt, stmt)->query;
    return stmt != nullptr && IsA(stmt, ExecuteStmt) ? castNode(ExecuteStmt, stmt) : nullptr;
}

} // namespace

void review_guard(Statement *st, ScriptState *state, const char *sql)
{
    Node *stmt = st->stmt;
    if (utility_may_match(stmt)) {
        /* the classifier looks names up in the catalog: a relation the script renamed or moved by its catalog name */
        report_guard(st, classify_utility(with_live_names(state, stmt), false, AccessShareLock));
        return;
    }
    if (Node *dml = statement_dml(st, state))
        review_dml(st, state, dml, sql, executed(stmt));
}

} // namespace mg::review
