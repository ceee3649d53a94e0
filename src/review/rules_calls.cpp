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
 * does not exist yet, counts.  The triggers a DML (or COPY FROM) fires on
 * its table count too (from pg_trigger: enabled, for its events, running a
 * function that is not built in); those of partitions, of tables reached by
 * foreign-key actions, and of tables the script creates are not looked for
 * (README, Limits).
 */
#include "common/bridge.h"
#include "common/user_code.h"
#include "review/live_names.h"
#include "review/rules.h"
#include "review/script_code.h"
#include "review/subxact.h"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "utils/fmgroids.h"
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
        /* CREATE TABLE AS EXECUTE: the prepared statement's query */
        return ct->into != nullptr && ct->into->skipData ? nullptr : executed_query(ct->query, state);
    }
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->query;
    case T_ExplainStmt: {
        ExplainStmt *ex = castNode(ExplainStmt, stmt);
        return explain_analyzes(ex) ? executed_query(ex->query, state) : nullptr;
    }
    case T_ExecuteStmt: {
        const Prepared *p = find_prepared(state, castNode(ExecuteStmt, stmt)->name);
        return p != nullptr ? executed_query(p->query, state) : nullptr;
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

/* The trigger events a DML fires on its target (0: not DML). */
int16 trigger_events(Node *stmt)
{
    switch (nodeTag(stmt)) {
    case T_InsertStmt: {
        OnConflictClause *oc = castNode(InsertStmt, stmt)->onConflictClause;
        return TRIGGER_TYPE_INSERT | (oc != nullptr && oc->action == ONCONFLICT_UPDATE ? TRIGGER_TYPE_UPDATE : 0);
    }
    case T_UpdateStmt:
        return TRIGGER_TYPE_UPDATE;
    case T_DeleteStmt:
        return TRIGGER_TYPE_DELETE;
#if MG_HAVE_MERGE
    case T_MergeStmt:
        return TRIGGER_TYPE_INSERT | TRIGGER_TYPE_UPDATE | TRIGGER_TYPE_DELETE;
#endif
    case T_CopyStmt:
        return castNode(CopyStmt, stmt)->is_from ? TRIGGER_TYPE_INSERT : 0;
    default:
        return 0;
    }
}

/*
 * A trigger on relid that fires for these events (enabled for this session's
 * session_replication_role) and runs a function that is not built in:
 * "trigger t on public.x, which calls public.f(), a function defined in this
 * database" (nullptr: none).  Read from pg_trigger: the table is not opened.
 */
char *user_trigger_text(ScriptState *state, Oid relid, int16 events)
{
    bool origin, replica;
    replication_roles(state, &origin, &replica);
    /* most tables have none: pg_class says so from the cache */
    HeapTuple rel = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(rel))
        return nullptr;
    bool has_triggers = reinterpret_cast<Form_pg_class>(GETSTRUCT(rel))->relhastriggers;
    ReleaseSysCache(rel);
    if (!has_triggers)
        return nullptr;
    Relation tgrel = table_open(TriggerRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
    SysScanDesc scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, nullptr, 1, &key);
    char *found = nullptr;
    HeapTuple tup;
    while (found == nullptr && HeapTupleIsValid(tup = systable_getnext(scan))) {
        Form_pg_trigger t = reinterpret_cast<Form_pg_trigger>(GETSTRUCT(tup));
        bool fires = t->tgenabled == TRIGGER_FIRES_ALWAYS || (t->tgenabled == TRIGGER_FIRES_ON_ORIGIN && origin) ||
                     (t->tgenabled == TRIGGER_FIRES_ON_REPLICA && replica);
        if (!fires || (t->tgtype & events) == 0 || is_builtin_function(t->tgfoid))
            continue;
        found = psprintf("%s, a function defined in this database, through trigger %s on %s",
                         format_procedure_qualified(t->tgfoid), quote_identifier(NameStr(t->tgname)),
                         qualified_name(relid));
    }
    systable_endscan(scan);
    table_close(tgrel, AccessShareLock);
    return found;
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
    /* COPY FROM: the triggers it fires on its table */
    if (IsA(st->stmt, CopyStmt) && castNode(CopyStmt, st->stmt)->is_from) {
        const RangeVar *rv = castNode(CopyStmt, st->stmt)->relation;
        RelRef ref = rv != nullptr ? resolve_relation(state, rv) : RelRef{};
        if (ref.state == RelState::existing && !report_script_code(st, state, ref.relid, TRIGGER_TYPE_INSERT))
            if (char *found = user_trigger_text(state, ref.relid, TRIGGER_TYPE_INSERT))
                report_call(st, found);
        return;
    }
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
    /* a DML: the triggers it fires on its table */
    if (target != nullptr) {
        Oid relid = resolve_relation(state, target).relid;
        if (report_script_code(st, state, relid, trigger_events(query)))
            return;
        if (char *found = user_trigger_text(state, relid, trigger_events(query))) {
            report_call(st, found);
            return;
        }
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
