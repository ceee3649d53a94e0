/*
 * rules_calls.cpp — opaque_code for calls of functions defined in the
 * database.
 *
 * `SELECT purge_all()` is a one-line statement whose effect is whatever the
 * function's body does (delete every row, drop a table): the review sees a
 * SELECT.  Like DO and CALL (rules_locks.cpp), a query or DML that would call
 * a function that is not built into PostgreSQL (common/user_code.h:
 * is_builtin_function) gets opaque_code (warn), so the verdict is never
 * SAFE TO DEPLOY on the strength of code the review did not see.
 *
 * The statement is parse-analysed and rewritten as the planner would get it
 * (a table renamed or moved by the script by its catalog name), so that
 * calls through an operator, a cast, a domain's CHECK, a column default an
 * INSERT fills in, or a view's query count too; nothing is planned or run
 * (the user-code barrier is raised all along).  When the analysis fails (a
 * table or function the script itself creates, ...), each function named in
 * the raw statement is looked up by name: one that is not built in, or that
 * does not exist yet, counts.  Triggers the DML fires are not covered
 * (README, Limits).
 */
#include "common/bridge.h"
#include "common/user_code.h"
#include "review/live_names.h"
#include "review/rules.h"
#include "review/subxact.h"

extern "C" {
#include "access/transam.h"
#include "catalog/namespace.h"
#include "commands/defrem.h"
#include "nodes/nodeFuncs.h"
}

namespace mg::review {
namespace {

bool explain_analyzes(ExplainStmt *ex)
{
    ListCell *lc;
    foreach (lc, ex->options) {
        DefElem *opt = lfirst_node(DefElem, lc);
        if (strcmp(opt->defname, "analyze") == 0)
            return opt->arg == nullptr || defGetBoolean(opt);
    }
    return false;
}

/* The query or DML the statement runs (nullptr: none). */
Node *executed_query(Node *stmt, ScriptState *state)
{
    switch (nodeTag(stmt)) {
    case T_SelectStmt: {
        SelectStmt *sel = castNode(SelectStmt, stmt);
        if (sel->intoClause == nullptr)
            return stmt;
        /* SELECT ... INTO: the query, without the table it creates */
        SelectStmt *copy = copy_node(sel);
        copy->intoClause = nullptr;
        return reinterpret_cast<Node *>(copy);
    }
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
#if MG_HAVE_MERGE
    case T_MergeStmt:
#endif
        return stmt;
    case T_CreateTableAsStmt: {
        CreateTableAsStmt *ct = castNode(CreateTableAsStmt, stmt);
        return ct->into != nullptr && ct->into->skipData ? nullptr : ct->query;
    }
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->query;
    case T_ExplainStmt: {
        ExplainStmt *ex = castNode(ExplainStmt, stmt);
        return explain_analyzes(ex) ? executed_query(ex->query, state) : nullptr;
    }
    case T_ExecuteStmt: {
        const char *name = castNode(ExecuteStmt, stmt)->name;
        ListCell *lc;
        foreach (lc, state->prepared) {
            Prepared *p = static_cast<Prepared *>(lfirst(lc));
            if (strcmp(p->name, name) == 0)
                return executed_query(p->query, state);
        }
        return nullptr;
    }
    default:
        return nullptr;
    }
}

struct RawCall {
    char *found; /* "public.f(integer), a function defined in this database" */
};

/* A function named in the raw tree that is not built in, or not defined yet. */
bool raw_call_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall)) {
        FuncCall *fc = castNode(FuncCall, node);
        FuncCandidateList c = FuncnameGetCandidates(fc->funcname, -1, NIL, false, false, false, true);
        char *found = c == nullptr ? psprintf("%s(), which does not exist in this database yet",
                                              NameListToString(fc->funcname))
                                   : nullptr;
        for (; c != nullptr && found == nullptr; c = c->next)
            if (!is_builtin_function(c->oid))
                found = psprintf("%s, a function defined in this database", format_procedure_qualified(c->oid));
        if (found != nullptr) {
            static_cast<RawCall *>(context)->found = found;
            return true;
        }
    }
    return raw_expression_tree_walker(node, MG_WALKER(raw_call_walker), context);
}

/* "public.f(integer), a function defined in this database" for the first call in the queries, or nullptr. */
char *first_call_text(List *queries)
{
    ListCell *lc;
    foreach (lc, queries) {
        Oid f = first_user_function(static_cast<Node *>(lfirst(lc)));
        if (OidIsValid(f))
            return psprintf("%s, %s", format_procedure_qualified(f),
                            f >= FirstNormalObjectId ? "a function defined in this database"
                                                     : "a built-in function that does more than compute a value");
    }
    return nullptr;
}

void report_call(Statement *st, const char *what)
{
    add_finding(st, "opaque_code", Severity::warn,
                psprintf("it calls %s: the review does not run it and cannot see what it does (the guard still "
                         "judges each statement it runs)",
                         what),
                "Write out in the migration what the function does, so that it can be reviewed (or review the "
                "function's body before deploying).");
}

/* Anything that may stand for a function: a call, an operator, a cast, a relation (a view, defaults), a sub-query. */
bool may_call_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    switch (nodeTag(node)) {
    case T_FuncCall:
    case T_A_Expr:
    case T_TypeCast:
    case T_RangeVar:
    case T_RangeFunction:
    case T_RangeTableFunc:
    case T_RangeTableSample:
    case T_SubLink:
    case T_CollateClause:
    case T_A_Indirection:
    case T_MinMaxExpr:
    case T_XmlExpr:
    case T_XmlSerialize:
    case T_NullTest:
    case T_BooleanTest:
    case T_RowExpr:
    case T_A_ArrayExpr:
    case T_CaseExpr:
    case T_CoalesceExpr:
    case T_GroupingFunc:
    case T_IntoClause:
    case T_WithClause:
        return true;
    default:
        return raw_expression_tree_walker(node, MG_WALKER(may_call_walker), context);
    }
}

} // namespace

bool query_may_call(Node *stmt)
{
    return may_call_walker(stmt, nullptr);
}

namespace {

/* The table a DML writes into (nullptr: not DML). */
const RangeVar *dml_target(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_InsertStmt:
        return castNode(InsertStmt, stmt)->relation;
    case T_UpdateStmt:
        return castNode(UpdateStmt, stmt)->relation;
    case T_DeleteStmt:
        return castNode(DeleteStmt, stmt)->relation;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        return castNode(MergeStmt, stmt)->relation;
#endif
    default:
        return nullptr;
    }
}

bool func_call_walker(Node *node, void *context)
{
    if (node == nullptr)
        return false;
    if (IsA(node, FuncCall))
        return true;
    return raw_expression_tree_walker(node, MG_WALKER(func_call_walker), context);
}

/* The functions named in the raw statement (a table or function of the script's own: nothing to analyse). */
char *raw_user_call(Node *query)
{
    if (!func_call_walker(query, nullptr))
        return nullptr; /* no call at all: spare the lookups */
    RawCall rc = {nullptr};
    ErrorData *err = attempt([&] { raw_call_walker(query, &rc); });
    (void) err;
    return rc.found;
}

} // namespace

void review_calls(Statement *st, ScriptState *state)
{
    Node *query = executed_query(st->stmt, state);
    if (query == nullptr || !query_may_call(query))
        return;
    /* into a table the script creates (or a missing one): parse analysis would fail, read the names */
    const RangeVar *target = dml_target(query);
    if (target != nullptr && resolve_relation(state, target).state != RelState::existing) {
        if (char *found = raw_user_call(query))
            report_call(st, found);
        return;
    }
    /* the guard's rules analysed this DML already (rules_guard.cpp): the same queries */
    if (state->analyzed_stmt == st->number && state->analyzed_queries != NIL) {
        if (char *found = first_call_text(state->analyzed_queries))
            report_call(st, found);
        return;
    }
    /* parse analysis looks names up in the catalog: the catalog's names of the script's relations */
    Node *live = with_live_names(state, query);
    char *volatile found = nullptr;
    volatile bool analysed = false;
    ErrorData *err = attempt([&] {
        found = first_call_text(analyze_statement(live, st));
        analysed = true;
    });
    if (!analysed && err->sqlerrcode == ERRCODE_MIGRATE_GUARD_USER_CODE) {
        /* preparing it already calls such a function (a domain's CHECK on a constant, ...) */
        found = psprintf("code defined in this database as soon as it is prepared (%s)", err->message);
    } else if (!analysed) {
        /* a table or function of the script's own, ...: the functions named in the statement */
        found = raw_user_call(query);
    }
    if (found != nullptr)
        report_call(st, found);
}

} // namespace mg::review
